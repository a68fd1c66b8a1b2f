-- wrk script of the desk benchmark: signed-in requests spread over every user's session and
-- over the pages given, then the latency percentiles as one JSON line for benchmarks/desk_load.
--
-- DESK_COOKIES: the session cookies ("sessionid=..."), separated by spaces.
-- DESK_PATHS: the paths to request, separated by spaces; each is asked for by every session.

local function words(text)
  local out = {}
  for word in string.gmatch(text or "", "%S+") do
    out[#out + 1] = word
  end
  return out
end

local threads = {}

function setup(thread)
  -- Threads start at different sessions, so that they do not ask as the same user in step.
  thread:set("first", #threads * 7)
  threads[#threads + 1] = thread
end

function init(args)
  cookies = words(os.getenv("DESK_COOKIES"))
  paths = words(os.getenv("DESK_PATHS"))
  if #cookies == 0 or #paths == 0 then
    error("DESK_COOKIES and DESK_PATHS must name at least one cookie and one path")
  end
  sent = 0
  not_ok = 0
end

function request()
  local n = first + sent
  sent = sent + 1
  -- The session changes every request; the path once every session has asked for it.
  local cookie = cookies[n % #cookies + 1]
  local path = paths[math.floor(n / #cookies) % #paths + 1]
  return wrk.format("GET", path, { ["Host"] = "127.0.0.1", ["Cookie"] = cookie })
end

function response(status, headers, body)
  -- A redirect to sign in would be quick and would flatter the figures: count anything but 200.
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "microseconds": %d, "p50_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, '
      .. '"max_us": %.0f, "not_200": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests,
    summary.duration,
    latency:percentile(50),
    latency:percentile(95),
    latency:percentile(99),
    latency.max,
    bad,
    errors.connect + errors.read + errors.write,
    errors.timeout
  ))
end
