# A stand-in strategy for the qts-risk examples: passes bars through and,
# every 5th bar of a symbol, asks for a long or short of 2000 units
# (or, with -v kind=order, sends a market order for 500; with -v limit=F,
# a limit order F away from the close).
BEGIN { FS = OFS = "," }
{ print }
$1 == "bar" {
	n[$3]++
	if (n[$3] % 5) next
	side = n[$3] % 10 ? 1 : -1
	if (kind == "order" || limit != "")
		printf("order,%s,%s,ex-%s-%d,%s,500,%s,%s,,day,example\n", $2, $3, $3, n[$3],
			(side > 0 ? "buy" : "sell"), (limit != "" ? "limit" : "market"),
			(limit != "" ? $8 * (1 + limit) : ""))
	else
		printf "target,%s,%s,%d,qty,example\n", $2, $3, 2000 * side
}
