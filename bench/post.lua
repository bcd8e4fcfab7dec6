-- wrk: POST the body in $BENCH_BODY with the headers in $BENCH_HEADERS ("Name: value" lines, "|"-separated).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(header, "^%s*([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
