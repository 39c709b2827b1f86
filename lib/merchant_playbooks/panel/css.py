"""The panel's stylesheet (inlined in its header, so Voilà and JupyterLab need no asset)."""

PANEL_CSS = """
.mp-panel { border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 14px; }
.mp-panel .mp-panel-title { font-size: 1.15em; font-weight: 700; margin: 2px 0; }
.mp-panel .mp-panel-note { color: #57606a; font-size: .9em; margin: 0 0 4px; }
.mp-panel .mp-panel-group { border-top: 3px solid #1f6f78; padding: 4px 8px 6px 0; }
.mp-panel .mp-panel-group h4 { margin: 4px 0 6px; font-size: .95em; color: #1f6f78; }
.mp-panel .mp-panel-status { min-height: 1.4em; font-size: .92em; }
.mp-panel .mp-panel-status .mp-bad { color: #b42318; }
.mp-panel .mp-panel-status .mp-good { color: #1a7f37; }
.mp-panel .mp-kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; }
.mp-panel .mp-kpi { border: 1px solid #d8dee4; border-top: 3px solid #1f6f78; border-radius: 6px; padding: 6px 10px; }
.mp-panel .mp-kpi-label { font-size: .8em; color: #57606a; }
.mp-panel .mp-kpi-p50 { font-size: 1.45em; font-weight: 700; font-variant-numeric: tabular-nums; }
.mp-panel .mp-kpi-bar { position: relative; height: 5px; background: #eaeef2; border-radius: 3px; margin: 2px 0 4px; }
.mp-panel .mp-kpi-bar span { position: absolute; top: 0; bottom: 0; background: #9cc7cb; border-radius: 3px; }
.mp-panel .mp-kpi-bar i { position: absolute; top: -3px; width: 3px; height: 11px; background: #174f55; }
.mp-panel .mp-kpi-range { font-size: .78em; color: #57606a; }
.mp-panel .mp-rules { border: 1.5px dashed #1f6f78; border-radius: 8px; padding: 8px 14px 2px; }
.mp-panel .mp-rules-title { font-weight: 700; color: #174f55; }
.mp-panel h5 { margin: 10px 0 4px; font-size: .95em; }
.mp-panel .mp-lever-label { font-size: .9em; color: #30363d; }
.mp-panel .widget-readout { min-width: 110px; max-width: none; }
"""
