#!/usr/bin/env python3
"""A fake of TWS / IB Gateway's socket API for qts-broker ib's tests, on
127.0.0.1 only, speaking the messages qts uses at server versions 157..178.

    tws.py CONFIG.json PORTFILE STATEFILE

It binds port 0 and writes the port to PORTFILE; after every change it
rewrites STATEFILE (JSON): connections, the orders received per orderRef,
the cancels per orderRef, the executions made (and how often each was
sent), and any message whose layout was not the one expected ("bad").
It lives at most "lifetime" seconds (60 by default).  CONFIG is read again
at every connection and every order, so a test may change it:

  version            the version it answers (default: the client's maximum,
                     at most 178); any number, to test a refusal
  account            "DU1234567"
  cash, netliq       the account summary's TotalCashValue, NetLiquidation
  positions          {"AAPL": [100, 185.5]}: quantity and average cost
  price              the fill price (100); prices: {"AAPL": 185.5}
  fill               "market" (market orders fill at once, the default) or
                     "none" (nothing fills)
  parts              fills in this many executions (1)
  fill_fraction      fill only this part of a market order, the rest works
  dup_status         every orderStatus sent twice
  reorder            the orderStatus messages of an order's fills sent last
                     first (Filled before the partial ones)
  reject             {"SYM": [201, "Order rejected - reason: ..."]}
  drop_after_accept  orderRefs: the order is taken (and filled) but the
                     connection closes before a word of it is sent (once
                     each)
  silent_after_accept  orderRefs: the order is taken (and filled) but from
                     then on the connection says nothing (once each)
  notices            [[code, text], ...]: errors of id -1 sent after startApi
  client_id_in_use   error 326 at startApi, then the connection closes
  hangup             the connection closes 0.3 s after the executions
                     are listed (a TWS that takes each connection and drops it)
  no_commission      no commissionReport follows an execution
  correct            every execution followed by its correction: the same
                     execDetails under an execId ending .02 where it ended
                     .01 (the API's Execution.ExecId), and its commissionReport
  position_first     the position after an order's fills sent before its
                     executions and commission reports (TWS may)
  elsewhere          {"AAPL": 5}: shares traded elsewhere, added to the
                     position at the symbol's first fill (once)
  session_positions  {"AAPL": [100, 185.5]}: the positions from here on, set
                     at each reqPositions (a new session's, where a position
                     closed on an earlier day is not listed at all)

Layouts: IB's EDecoder/EClient and ib_insync 0.9.86 (client.py placeOrder,
decoder.py openOrder, execDetails, position, commissionReport); the TWS API
documentation's "Connectivity" (the "API\\0" handshake) and "Message
encoding" (length-prefixed, NUL-terminated fields).
"""
import json
import os
import select
import socket
import struct
import sys
import time

CONFIG, PORTFILE, STATEFILE = sys.argv[1], sys.argv[2], sys.argv[3]
UNSET = "1.7976931348623157E308"
state = {"connections": 0, "orders": {}, "cancels": {}, "executions": {}, "bad": [],
         "versions_asked": []}
orders = {}      # IB order id -> order dict
executions = []  # in the order made
positions = None
next_exec = [1]
dropped = set()
traded_elsewhere = set()


def config():
    with open(CONFIG) as f:
        return json.load(f)


def save():
    tmp = STATEFILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, STATEFILE)


def frame(fields):
    body = b"".join(str(x).encode() + b"\0" for x in fields)
    return struct.pack(">I", len(body)) + body


def num(x):
    return "%g" % x if x == int(x) else repr(x)


# ---- placeOrder's layout: the fields ib_insync's client.placeOrder sends for
# a stock order with no combo legs, delta-neutral, scale, hedge, algo or
# condition parts (those come with counts or flags qts leaves empty).
def place_order_layout(v):
    f = ["msgId", "orderId", "conId", "symbol", "secType", "lastTradeDate", "strike",
         "right", "multiplier", "exchange", "primaryExchange", "currency", "localSymbol",
         "tradingClass", "secIdType", "secId", "action", "totalQuantity", "orderType",
         "lmtPrice", "auxPrice", "tif", "ocaGroup", "account", "openClose", "origin",
         "orderRef", "transmit", "parentId", "blockOrder", "sweepToFill", "displaySize",
         "triggerMethod", "outsideRth", "hidden", "sharesAllocation", "discretionaryAmt",
         "goodAfterTime", "goodTillDate", "faGroup", "faMethod", "faPercentage"]
    if v < 177:
        f += ["faProfile"]
    f += ["modelCode", "shortSaleSlot", "designatedLocation", "exemptCode", "ocaType",
          "rule80A", "settlingFirm", "allOrNone", "minQty", "percentOffset", "eTradeOnly",
          "firmQuoteOnly", "nbboPriceCap", "auctionStrategy", "startingPrice",
          "stockRefPrice", "delta", "stockRangeLower", "stockRangeUpper",
          "overridePercentageConstraints", "volatility", "volatilityType",
          "deltaNeutralOrderType", "deltaNeutralAuxPrice", "continuousUpdate",
          "referencePriceType", "trailStopPrice", "trailingPercent", "scaleInitLevelSize",
          "scaleSubsLevelSize", "scalePriceIncrement", "scaleTable", "activeStartTime",
          "activeStopTime", "hedgeType", "optOutSmartRouting", "clearingAccount",
          "clearingIntent", "notHeld", "deltaNeutralContractPresent", "algoStrategy",
          "algoId", "whatIf", "orderMiscOptions", "solicited", "randomizeSize",
          "randomizePrice", "conditionsCount", "adjustedOrderType", "triggerPrice",
          "lmtPriceOffset", "adjustedStopPrice", "adjustedStopLimitPrice",
          "adjustedTrailingAmount", "adjustableTrailingUnit", "extOperator",
          "softDollarTierName", "softDollarTierValue", "cashQty", "mifid2DecisionMaker",
          "mifid2DecisionAlgo", "mifid2ExecutionTrader", "mifid2ExecutionAlgo",
          "dontUseAutoPriceForHedge", "isOmsContainer", "discretionaryUpToLimitPrice",
          "usePriceMgmtAlgo"]
    if v >= 158:
        f += ["duration"]
    if v >= 160:
        f += ["postToAts"]
    if v >= 162:
        f += ["autoCancelParent"]
    if v >= 166:
        f += ["advancedErrorOverride"]
    if v >= 169:
        f += ["manualOrderTime"]
    return f


# ---- openOrder as TWS sends it (ib_insync decoder.openOrder, EDecoder).
def open_order_fields(o, v, acct):
    f = [5, o["id"], 0, o["symbol"], "STK", "", "0", "", "", "SMART", "USD", o["symbol"],
         "NMS", o["action"], num(o["qty"]), o["type"], o["lmt"] or "0", o["aux"] or "0",
         o["tif"], "", acct, "O", 0, o["ref"], o["client"], o["perm"], 0, 0, "0", "", "",
         "", "", ""]
    if v < 177:
        f += [""]                                   # faProfile
    f += ["", "", "", "", "", 0, "", -1, 0, "", "", "", "", "", 0, 0, 0, 0, "", 3, 0, 0,
          "", 0, 0, "", 0, "", ""]                  # modelCode .. deltaNeutralAuxPrice
    f += [0, 0, "", "", "", "", ""]                 # continuousUpdate .. comboLegsDescrip
    f += [0, 0, 0]                                  # comboLegs, orderComboLegs, params
    f += ["", "", ""]                               # scaleInit/Subs, increment (unset)
    f += [""]                                       # hedgeType
    f += [0, "", "", 0, 0]                          # optOut.. notHeld, no delta-neutral
    f += [""]                                       # algoStrategy
    f += [0, 0, o["status"]] + [UNSET] * 9 + [UNSET, UNSET, UNSET, "", "", 0, 0]
    f += [0]                                        # conditions
    f += ["None", UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, 0, "", "", "", UNSET, 0, 0,
          0, ""]                                    # adjusted .. usePriceMgmtAlgo
    if v >= 158:
        f += [""]                                   # duration
    if v >= 160:
        f += [""]                                   # postToAts
    if v >= 162:
        f += [0]                                    # autoCancelParent
    if v >= 170:
        f += ["", "", UNSET, UNSET, UNSET]          # peg best / peg mid
    return f


# ---- completedOrder (ib_insync decoder.completedOrder).
def completed_order_fields(o, v, acct):
    f = [101, 0, o["symbol"], "STK", "", "0", "", "", "SMART", "USD", o["symbol"], "NMS",
         o["action"], num(o["qty"]), o["type"], o["lmt"] or "0", o["aux"] or "0", o["tif"],
         "", acct, "O", 0, o["ref"], o["perm"], 0, 0, "0", "", "", "", ""]
    if v < 177:
        f += [""]                                   # faProfile
    f += ["", "", "", "", "", 0, "", -1, "", "", "", "", "", 0, 0, 0, "", 3, 0, "", 0,
          "", ""]                                   # modelCode .. deltaNeutralAuxPrice
    f += [0, 0, "", "", ""]                         # continuousUpdate .. comboLegsDescrip
    f += [0, 0, 0, "", "", "", ""]                  # counts, scale, hedgeType
    f += ["", "", 0, 0, ""]                         # clearing.., no delta-neutral, algo
    f += [0, o["status"], 0, 0, 0]                  # solicited, status, randomize, conds
    f += [UNSET, UNSET, UNSET, 0, 0, "", num(o["filled"]), 0, 0, "", 0, 0, 0,
          "20240102 14:30:05 America/New_York",
          "Cancelled by Trader" if o["status"] == "Cancelled" else ""]
    if v >= 170:
        f += ["", "", UNSET, UNSET, UNSET]
    return f


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.version = 0
        self.started = False
        self.out = []
        self.closing = False
        self.silent = False
        self.client = 0

    def send(self, fields):
        self.out.append(frame(fields))

    def flush(self):
        data = b"".join(self.out)
        self.out = []
        if self.silent:
            return
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closing = True


def status_fields(o):
    return [3, o["id"], o["status"], num(o["filled"]), num(o["qty"] - o["filled"]),
            repr(o["avg"]) if o["filled"] else "0", o["perm"], 0,
            repr(o["last"]) if o["filled"] else "0", o["client"], "", ""]


def exec_fields(e, v, req_id, acct):
    o = orders[e["order"]]
    f = [11, req_id, o["id"], 0, o["symbol"], "STK", "", "0", "", "", "SMART", "USD",
         o["symbol"], "NMS", e["exec_id"], e["time"], acct, "ISLAND",
         "BOT" if o["action"] == "BUY" else "SLD", num(e["qty"]), repr(e["price"]),
         o["perm"], o["client"], 0, num(e["cum"]), repr(e["avg"]), o["ref"], "", "", "", 2]
    if v >= 178:
        f += [0]
    return f


def commission_fields(e):
    return [59, 1, e["exec_id"], repr(e["commission"]), "USD", UNSET, UNSET, ""]


def position_fields(sym, acct):
    q, cost = positions[sym]
    return [61, 3, acct, 0, sym, "STK", "", "0", "", "", "", "USD", sym, "NMS", num(q),
            repr(cost)]


def report(c, cfg, e, req_id=-1):
    acct = cfg.get("account", "DU1234567")
    c.send(exec_fields(e, c.version, req_id, acct))
    state["executions"][e["exec_id"]] = state["executions"].get(e["exec_id"], 0) + 1
    if not cfg.get("no_commission"):
        c.send(commission_fields(e))
    if cfg.get("correct"):
        fix = dict(e, exec_id=e["exec_id"][:-3] + ".02")
        c.send(exec_fields(fix, c.version, req_id, acct))
        state["executions"][fix["exec_id"]] = state["executions"].get(fix["exec_id"], 0) + 1
        if not cfg.get("no_commission"):
            c.send(commission_fields(fix))


def fill(o, cfg):
    """Executions for a market order: returns them and the statuses after each."""
    parts = max(1, int(cfg.get("parts", 1)))
    price = cfg.get("prices", {}).get(o["symbol"], cfg.get("price", 100.0))
    total = o["qty"] * cfg.get("fill_fraction", 1.0)
    made, statuses = [], []
    for k in range(parts):
        q = total / parts
        if q <= 0:
            break
        o["filled"] += q
        o["avg"] = price
        o["last"] = price
        o["status"] = "Filled" if o["filled"] >= o["qty"] else "Submitted"
        e = {"exec_id": "0000e0d5.%08x.%02d.01" % (o["id"], next_exec[0]), "order": o["id"],
             "qty": q, "price": price, "cum": o["filled"], "avg": price,
             "commission": round(0.005 * q, 4) or 1.0,
             "time": time.strftime("%Y%m%d  %H:%M:%S")}
        next_exec[0] += 1
        executions.append(e)
        state["executions"].setdefault(e["exec_id"], 0)
        sign = 1 if o["action"] == "BUY" else -1
        pq, pc = positions.get(o["symbol"], [0, 0.0])
        nq = pq + sign * q
        if nq == 0:
            cost = 0.0
        elif pq * nq > 0 and abs(nq) < abs(pq):
            cost = pc                               # a part closed: the cost stays
        elif pq * nq > 0:
            cost = (abs(pq) * pc + q * price) / abs(nq)
        else:
            cost = price                            # opened, or turned over
        positions[o["symbol"]] = [nq, cost]
        made.append(e)
        statuses.append(status_fields(o))
    return made, statuses


def place(c, f, cfg):
    layout = place_order_layout(c.version)
    if len(f) != len(layout):
        state["bad"].append("placeOrder: %d fields, %d expected" % (len(f), len(layout)))
        return
    d = dict(zip(layout, f))
    for k, want in (("secType", "STK"), ("exchange", "SMART"), ("currency", "USD"),
                    ("transmit", "1"), ("openClose", "O")):
        if d[k] != want:
            state["bad"].append("placeOrder: %s is %r" % (k, d[k]))
    ref = d["orderRef"]
    state["orders"][ref] = state["orders"].get(ref, 0) + 1
    oid = int(d["orderId"])
    if oid in orders:
        c.send([4, 2, oid, 103, "Duplicate order id", ""])
        return
    rej = cfg.get("reject", {}).get(d["symbol"])
    if rej:
        c.send([4, 2, oid, rej[0], rej[1], ""])
        return
    o = {"id": oid, "ref": ref, "symbol": d["symbol"], "action": d["action"],
         "qty": float(d["totalQuantity"]), "type": d["orderType"], "lmt": d["lmtPrice"],
         "aux": d["auxPrice"], "tif": d["tif"], "status": "Submitted", "filled": 0.0,
         "avg": 0.0, "last": 0.0, "client": c.client, "perm": 900000 + oid}
    orders[oid] = o
    made, statuses = [], []
    if o["type"] == "MKT" and cfg.get("fill", "market") == "market":
        made, statuses = fill(o, cfg)
    if ref in cfg.get("drop_after_accept", []) and ref not in dropped:
        dropped.add(ref)
        c.closing = True
        c.out = []
        return
    if ref in cfg.get("silent_after_accept", []) and ref not in dropped:
        dropped.add(ref)
        c.silent = True
        c.out = []
        return
    acct = cfg.get("account", "DU1234567")
    saved = o["status"]
    o["status"] = "Submitted"
    c.send(open_order_fields(o, c.version, acct))
    c.send(status_fields(dict(o, filled=0.0)))
    o["status"] = saved
    if cfg.get("reorder"):
        statuses.reverse()
    sym = o["symbol"]
    if made and sym in cfg.get("elsewhere", {}) and sym not in traded_elsewhere:
        traded_elsewhere.add(sym)
        positions[sym][0] += cfg["elsewhere"][sym]
    if made and cfg.get("position_first"):
        c.send(position_fields(sym, acct))
    for e in made:
        report(c, cfg, e)
    for s in statuses:
        c.send(s)
        if cfg.get("dup_status"):
            c.send(s)
    if made and not cfg.get("position_first"):
        c.send(position_fields(sym, acct))


def cancel(c, f, cfg):
    want = 4 if c.version >= 169 else 3
    if len(f) != want:
        state["bad"].append("cancelOrder: %d fields, %d expected" % (len(f), want))
        return
    oid = int(f[2])
    o = orders.get(oid)
    if not o:
        c.send([4, 2, oid, 10147, "OrderId %d that needs to be cancelled is not found." % oid, ""])
        return
    state["cancels"][o["ref"]] = state["cancels"].get(o["ref"], 0) + 1
    if o["status"] in ("Filled", "Cancelled"):
        c.send([4, 2, oid, 161, "Cancel attempted when order is not in a cancellable state."
                " Order permId =%d" % o["perm"], ""])
        return
    o["status"] = "Cancelled"
    c.send([4, 2, oid, 202, "Order Canceled - reason:", ""])
    c.send(status_fields(o))


def handle(c, f):
    cfg = config()
    acct = cfg.get("account", "DU1234567")
    mid = int(f[0])
    if mid == 71:
        if len(f) != 4:
            state["bad"].append("startApi: %d fields" % len(f))
        c.client = int(f[2])
        if cfg.get("client_id_in_use"):
            c.send([4, 2, -1, 326, "Unable to connect as the client id is already in use. "
                    "Retry with a unique client id.", ""])
            c.closing = True
            return
        c.started = True
        c.send([15, 1, acct])
        c.send([9, 1, max(orders) + 1 if orders else 1])
        for code, text in cfg.get("notices", []):
            c.send([4, 2, -1, code, text, ""])
    elif not c.started:
        state["bad"].append("message %d before startApi" % mid)
    elif mid == 3:
        place(c, f, cfg)
    elif mid == 4:
        cancel(c, f, cfg)
    elif mid in (5, 16):
        for o in orders.values():
            if o["status"] not in ("Filled", "Cancelled", "Inactive"):
                c.send(open_order_fields(o, c.version, acct))
                c.send(status_fields(o))
        c.send([53, 1])
    elif mid == 99:
        for o in orders.values():
            if o["status"] in ("Filled", "Cancelled", "Inactive"):
                c.send(completed_order_fields(o, c.version, acct))
        c.send([102])
    elif mid == 7:
        if len(f) != 10:
            state["bad"].append("reqExecutions: %d fields" % len(f))
        for e in executions:
            report(c, cfg, e, int(f[2]))
        c.send([55, 1, f[2]])
        if cfg.get("hangup"):
            c.hangup_at = time.time() + 0.3
    elif mid == 61:
        if "session_positions" in cfg:
            positions.clear()
            positions.update({k: list(v) for k, v in cfg["session_positions"].items()})
        for sym in positions:
            c.send(position_fields(sym, acct))
        c.send([62, 1])
    elif mid == 62:
        values = {"NetLiquidation": cfg.get("netliq", 100000), "TotalCashValue":
                  cfg.get("cash", 100000), "GrossPositionValue": 0}
        for tag in f[4].split(","):
            if tag in values:
                c.send([63, 1, f[2], acct, tag, num(float(values[tag])), "USD"])
        c.send([64, 1, f[2]])
    elif mid == 49:
        c.send([49, 1, int(time.time())])
    elif mid == 8:
        c.send([9, 1, max(orders) + 1 if orders else 1])
    else:
        state["bad"].append("message %d not expected" % mid)


def on_data(c):
    while True:
        if not c.version:
            if len(c.buf) < 8:
                return
            if c.buf[:4] != b"API\0":
                state["bad"].append("no API\\0 prefix")
                c.closing = True
                return
            n = struct.unpack(">I", c.buf[4:8])[0]
            if len(c.buf) < 8 + n:
                return
            hello = c.buf[8:8 + n].decode()
            c.buf = c.buf[8 + n:]
            state["versions_asked"].append(hello)
            lo, hi = (int(x) for x in hello[1:].split(".."))
            cfg = config()
            c.version = int(cfg.get("version", min(hi, 178)))
            c.send([c.version, time.strftime("%Y%m%d %H:%M:%S") + " UTC"])
            if not lo <= c.version <= hi:
                c.flush()
            continue
        if len(c.buf) < 4:
            return
        n = struct.unpack(">I", c.buf[:4])[0]
        if len(c.buf) < 4 + n:
            return
        body = c.buf[4:4 + n]
        c.buf = c.buf[4 + n:]
        if not body.endswith(b"\0"):
            state["bad"].append("a message without its last NUL")
            continue
        handle(c, body[:-1].decode().split("\0"))
        if c.closing:
            return


def main():
    global positions
    cfg = config()
    positions = {k: list(v) for k, v in cfg.get("positions", {}).items()}
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.replace(PORTFILE + ".tmp", PORTFILE)
    save()
    conns = []
    end = time.time() + float(cfg.get("lifetime", 60))
    while time.time() < end:
        r, _, _ = select.select([srv] + [c.sock for c in conns], [], [], 0.2)
        for s in r:
            if s is srv:
                sock, _ = srv.accept()
                conns.append(Conn(sock))
                state["connections"] += 1
                save()
                continue
            c = next(c for c in conns if c.sock is s)
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                c.closing = True
            else:
                c.buf += data
                on_data(c)
                save()  # before the answers: a test that has them sees the counts
                c.flush()
            save()
        for c in conns:
            if getattr(c, "hangup_at", None) and time.time() >= c.hangup_at:
                c.closing = True
        for c in [c for c in conns if c.closing]:
            c.sock.close()
            conns.remove(c)


main()
