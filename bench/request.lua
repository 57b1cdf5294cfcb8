-- wrk script for bench/run.sh: POSTs the JSON body stored in a file to the URL given to wrk.
-- Usage: wrk ... -s request.lua <url> -- <body-file> <accept> [<bearer token> ["Name: value" ...]]
-- With a token, every request carries "Authorization: Bearer <token>" (a Tollgate virtual key). Further
-- arguments are extra headers (Portkey's x-portkey-provider / x-portkey-custom-host).
-- When the run ends it prints one machine-readable line, "TOLLGATE_BENCH key=value ...".

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = args[2] or "application/json"
  if args[3] and args[3] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[3]
  end
  for i = 4, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "TOLLGATE_BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
    .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
