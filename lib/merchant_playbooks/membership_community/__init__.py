"""The membership_community playbook."""
