"""The zero_fan_launch playbook."""
