#!/bin/sh
# The README's backtest on generated data: two years of daily bars for four
# symbols, an SMA cross, risk limits, simulated fills with costs, and a
# report on the terminal and in report.html (in the current directory).
set -e
qts-fetch --seed 42 --from 2023-01-01 --to 2024-12-31 synth:AAPL,MSFT,NVDA,SPY |
	qts-strategy sma-cross fast=10 slow=30 weight=0.2 |
	qts-risk --max-position-pct 0.25 --max-drawdown 0.2 |
	qts-sim --commission bps=10 --slippage bps=5 |
	qts-report --benchmark SPY --html report.html
echo "report written to report.html"
