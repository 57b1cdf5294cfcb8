-- wrk script for bench/run.sh's fixed-rate rows (latency, soak): request.lua's requests, paced to a fixed rate.
-- wrk is closed-loop and Debian has no wrk2, so each thread hands out send slots 1/rate apart through wrk's
-- delay() hook: a connection that finishes waits for the next free slot, and with enough idle connections
-- requests start on schedule whatever the latency (open loop). When every connection is busy the slots fall
-- behind; the summary line's requests/duration shows the rate achieved, and "behind_ms" how far the schedule
-- had slipped at the end. wrk measures latency from each request's actual send.
-- Usage: wrk -t T -c C -s rate.lua <url> -- <body-file> <accept> <bearer token or ""> <rate per thread> ["Name: value" ...]
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval_ms, next_at
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

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
  interval_ms = 1000 / tonumber(args[4])
  for i = 5, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
end

function delay()
  local t = now_ms()
  if next_at == nil then
    next_at = t
  end
  local wait = next_at - t
  next_at = next_at + interval_ms
  behind = wait < 0 and -wait or 0
  return wait > 0 and wait or 0
end

function done(summary, latency, requests)
  local e = summary.errors
  local behind_ms = 0
  for _, thread in ipairs(threads) do
    local b = thread:get("behind")
    if b and b > behind_ms then
      behind_ms = b
    end
  end
  io.write(string.format(
    "TOLLGATE_BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
    .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d behind_ms=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, behind_ms))
end
