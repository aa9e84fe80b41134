-- wrk script of bench/booking_load.py (run it through that script, not alone).
--
-- Run with as many threads as connections (-t N -c N): each thread then drives
-- one connection, its request() and response() alternate, so it can time every
-- request itself (per endpoint, which wrk's own histogram cannot) and chain
-- create -> approve -> cancel on the ids the API answers.
--
-- Phases (the "phase" line of the config file):
--   reference  POST /ref/bookings, the bare endpoint outside the product
--   create     POST /api/v1/bookings as members, every request a distinct slot
--   mixed      members create in a few crowded days, staff approve each created
--              request (some collide: 409), members cancel half of the approved
--
-- Config: the file named by BENCH_LOAD_CONFIG, "key value" lines. Output: every
-- request as "endpoint status microseconds" in the file named by BENCH_LOAD_OUT.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

-- main state: hand each thread its identity and tokens, collect logs at the end

local config = {}
local threads = {}

local function read_config()
  for line in io.lines(os.getenv("BENCH_LOAD_CONFIG")) do
    local key, value = line:match("^(%S+)%s+(.-)%s*$")
    if key then config[key] = value end
  end
end

function setup(thread)
  if #threads == 0 then read_config() end
  local n = #threads
  thread:set("client", n)
  for _, key in ipairs({ "phase", "rooms", "base", "clients", "create_day0", "mixed_day0",
                         "mixed_days", "staff_token" }) do
    thread:set(key, config[key])
  end
  thread:set("member_token", config["member_token_" .. (n % tonumber(config.members))])
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_LOAD_OUT"), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("log")) do
      out:write(line, "\n")
    end
  end
  out:write(string.format("# duration_us %d connect_errors %d read_errors %d write_errors %d "
    .. "timeouts %d\n", summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  out:close()
end

-- thread state

log = {}
local room_ids = {}
local queue = {}
local current = nil
local created = 0

function init(args)
  for id in string.gmatch(rooms, "%d+") do
    table.insert(room_ids, tonumber(id))
  end
  client = tonumber(client)
  clients = tonumber(clients)
  base = tonumber(base)
  create_day0 = tonumber(create_day0)
  mixed_day0 = tonumber(mixed_day0)
  mixed_days = tonumber(mixed_days)
  math.randomseed(client * 7919 + 17)
end

local function iso(day, minutes)
  -- base is local midnight of day 0 as a Unix time; the zone has no DST.
  return os.date("!%Y-%m-%dT%H:%M:%S+00:00", base + day * 86400 + minutes * 60)
end

local function distinct_slot()
  -- Client c's k-th request takes global slot c + clients * k: never shared.
  local g = client + clients * created
  created = created + 1
  local room = room_ids[(g % #room_ids) + 1]
  local slot = math.floor(g / #room_ids)
  local day = create_day0 + math.floor(slot / 12)
  return room, day, (8 + slot % 12) * 60, 60
end

local function crowded_slot()
  local room = room_ids[math.random(#room_ids)]
  local day = mixed_day0 + math.random(0, mixed_days - 1)
  return room, day, 8 * 60 + 30 * math.random(0, 23), 30 * math.random(2, 4)
end

local function booking_body(room, day, minutes, duration)
  return string.format(
    '{"room_id": %d, "title": "Gönüllü buluşması", "start": "%s", "end": "%s", '
      .. '"expected_attendees": 10}',
    room, iso(day, minutes), iso(day, minutes + duration))
end

local function post(name, path, token, body, id)
  current = { name = name, id = id, started = now_us() }
  local headers = { ["Content-Type"] = "application/json" }
  if token then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", path, headers, body)
end

function request()
  local action = table.remove(queue, 1)
  if action and action.kind == "approve" then
    return post("approve", "/api/v1/bookings/" .. action.id .. "/approve", staff_token, nil,
                action.id)
  elseif action and action.kind == "cancel" then
    return post("cancel", "/api/v1/bookings/" .. action.id .. "/cancel", member_token,
                '{"reason": "Bench"}', action.id)
  elseif phase == "reference" then
    return post("reference", "/ref/bookings", nil, booking_body(distinct_slot()))
  elseif phase == "create" then
    return post("create", "/api/v1/bookings", member_token, booking_body(distinct_slot()))
  else
    return post("create", "/api/v1/bookings", member_token, booking_body(crowded_slot()))
  end
end

function response(status, headers, body)
  if current == nil then return end
  local elapsed = now_us() - current.started
  log[#log + 1] = current.name .. " " .. status .. " " .. math.floor(elapsed)
  if phase == "mixed" then
    if current.name == "create" and status == 201 then
      local id = body:match('"id"%s*:%s*(%d+)')
      if id then table.insert(queue, { kind = "approve", id = id }) end
    elseif current.name == "approve" and status == 200 and math.random() < 0.5 then
      table.insert(queue, { kind = "cancel", id = current.id })
    end
  end
  current = nil
end
