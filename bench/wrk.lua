-- wrk script for bench/wrk.sh: GETs the paths listed in the file named by
-- PD_WRK_PATHS, one after the other (each thread from its own starting
-- point), and prints one machine-readable summary line when done. The same
-- script drives privdeskd and nginx, so both cost wrk the same.
local paths = {}
local i = 0
local thread_no = 0

function setup(thread)
  thread:set("start", thread_no)
  thread_no = thread_no + 1
end

function init(args)
  local name = os.getenv("PD_WRK_PATHS")
  local f = assert(io.open(name, "r"), "cannot read " .. tostring(name))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  assert(#paths > 0, "no paths in " .. name)
  i = ((start or 0) * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%d seconds=%.3f rps=%.1f bytes=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f" ..
    " err_status=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.bytes,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status, e.connect, e.read, e.write, e.timeout))
end
