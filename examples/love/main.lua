-- autodeco in a LÖVE game: villagers in a square take turns saying a line that a small language
-- model writes with AutoDeco, streamed word by word into their speech bubbles while the frame
-- loop keeps running (the model runs on a love.thread: generator.lua). Each token is coloured by
-- the temperature it was drawn at, and the bubble shows the last token's T and top-p.
--
--   love examples/love --model MODEL.gguf [--heads DIR] [--library libautodeco.so]
--                      [--header autodeco_ffi.h] [--threads N] [--seed S]
--   test mode: --test SECONDS --report FILE.json [--screenshot FILE.png]
--
-- Options may also come from the environment: AUTODECO_MODEL, AUTODECO_HEADS, AUTODECO_LIBRARY,
-- AUTODECO_FFI_HEADER.

local villagers = {
  { name = 'Bram', role = 'an old lighthouse keeper', x = 170, color = { 0.35, 0.45, 0.75 } },
  { name = 'Mira', role = 'a cheerful baker', x = 400, color = { 0.85, 0.55, 0.30 } },
  { name = 'Tobi', role = 'a young blacksmith', x = 630, color = { 0.55, 0.35, 0.30 } },
}
local GROUND = 380

local options = {}
local generator, events, requests, control
local status_line = 'loading the model…'
local turn = 0              -- index of the villager speaking (0: nobody yet)
local next_turn_at = 0      -- time at which the next villager starts speaking
local generating = false
local lines = {}            -- finished lines, for the report
local clock = 0
local fps = 60             -- smoothed frames per second, shown bottom right
local traveller = { x = 120, dir = 1 }
local last_frame_end = 0  -- for the 60 fps frame limiter (vsync may be unavailable, e.g. under Xvfb)

-- Frame statistics: the longest frame while a line is being generated is the number that matters.
local stats = { frames = 0, generating_frames = 0, longest_ms = 0, longest_generating_ms = 0 }

local function parse_args(args)
  local opts = {
    model = os.getenv('AUTODECO_MODEL'), heads = os.getenv('AUTODECO_HEADS'),
    library = os.getenv('AUTODECO_LIBRARY'), header = os.getenv('AUTODECO_FFI_HEADER'),
    threads = 1, seed = 1,
  }
  local i = 1
  while i <= #args do
    local key = args[i]:match('^%-%-(.+)$')
    if key and args[i + 1] then
      opts[key] = args[i + 1]
      i = i + 2
    else
      i = i + 1
    end
  end
  opts.threads, opts.seed, opts.test = tonumber(opts.threads), tonumber(opts.seed), tonumber(opts.test)
  opts.library = opts.library or 'autodeco'
  if opts.header == nil then  -- as installed: PREFIX/lib/libautodeco.so beside PREFIX/include/autodeco_ffi.h
    local prefix = opts.library:match('^(.*)/[^/]+/[^/]+$')
    opts.header = prefix and (prefix .. '/include/autodeco_ffi.h') or '/usr/local/include/autodeco_ffi.h'
  end
  return opts
end

function love.load(args)
  options = parse_args(args)
  love.graphics.setFont(love.graphics.newFont(14))
  if options.model == nil then
    status_line = 'no model: run with --model MODEL.gguf (see README.md)'
    return
  end
  requests = love.thread.getChannel('autodeco.requests')
  events = love.thread.getChannel('autodeco.events')
  control = love.thread.getChannel('autodeco.control')
  generator = love.thread.newThread('generator.lua')
  generator:start({ library = options.library, header = options.header, model = options.model,
                    heads = options.heads, n_threads = options.threads, seed = options.seed })
end

local function start_line()
  turn = turn % #villagers + 1
  local v = villagers[turn]
  v.tokens, v.temperature, v.top_p = {}, nil, nil
  v.prompt = 'You are ' .. v.name .. ', ' .. v.role .. ' in a small seaside village. '
    .. 'A traveller walks into the square. Say one short friendly sentence to them.'
  requests:push({ kind = 'line', speaker = turn, max_tokens = 40, prompt = v.prompt })
  generating = true
end

local function handle(event)
  if event.kind == 'ready' then
    status_line = event.heads and 'AutoDeco heads loaded: each token is coloured by its temperature'
      or 'no AutoDeco heads: greedy decoding'
    next_turn_at = clock
  elseif event.kind == 'error' then
    status_line = 'autodeco: ' .. event.message
  elseif event.kind == 'token' then
    local v = villagers[event.speaker]
    table.insert(v.tokens, { text = event.text, temperature = event.temperature })
    v.temperature, v.top_p = event.temperature, event.top_p
  elseif event.kind == 'done' then
    local v = villagers[event.speaker]
    local text, sum_t = {}, 0
    for _, t in ipairs(v.tokens) do table.insert(text, t.text); sum_t = sum_t + t.temperature end
    table.insert(lines, { speaker = v.name, prompt = v.prompt, text = table.concat(text), n_tokens = #v.tokens,
                          mean_temperature = #v.tokens > 0 and sum_t / #v.tokens or 0, reason = event.reason })
    generating = false
    next_turn_at = clock + 2.5
  end
end

local report_written = false

local function write_report()
  local function quote(s) return '"' .. s:gsub('[%c"\\]', function(c) return string.format('\\u%04x', c:byte()) end) .. '"' end
  local parts = {}
  for _, l in ipairs(lines) do
    table.insert(parts, string.format('{"speaker": %s, "prompt": %s, "text": %s, "n_tokens": %d, "mean_temperature": %.4f, "reason": %d}',
      quote(l.speaker), quote(l.prompt), quote(l.text), l.n_tokens, l.mean_temperature, l.reason))
  end
  local f = assert(io.open(options.report, 'w'))
  f:write(string.format('{"frames": %d, "generating_frames": %d, "longest_frame_ms": %.2f, '
    .. '"longest_generating_frame_ms": %.2f, "status": %s, "lines": [%s]}\n',
    stats.frames, stats.generating_frames, stats.longest_ms, stats.longest_generating_ms, quote(status_line),
    table.concat(parts, ', ')))
  f:close()
  report_written = true
end

function love.update(dt)
  clock = clock + dt
  if dt > 0 then fps = 0.95 * fps + 0.05 / dt end
  stats.frames = stats.frames + 1
  if stats.frames > 3 then  -- the first frames include window creation
    stats.longest_ms = math.max(stats.longest_ms, dt * 1000)
    if generating then
      stats.generating_frames = stats.generating_frames + 1
      stats.longest_generating_ms = math.max(stats.longest_generating_ms, dt * 1000)
    end
  end
  if events then
    local event = events:pop()
    while event do handle(event); event = events:pop() end
  end
  if generator and not generating and next_turn_at > 0 and clock >= next_turn_at then start_line() end
  if generator and generator:getError() then status_line = 'generation thread: ' .. generator:getError() end

  traveller.x = traveller.x + traveller.dir * 60 * dt
  if traveller.x > 760 or traveller.x < 40 then traveller.dir = -traveller.dir end

  if options.test then
    if options.screenshot and #lines >= 1 and not options.screenshot_taken then
      options.screenshot_taken = true
      love.graphics.captureScreenshot(function(image)
        local f = assert(io.open(options.screenshot, 'wb'))
        f:write(image:encode('png'):getString())
        f:close()
      end)
    end
    if clock >= options.test and #lines >= 1 and not report_written then
      write_report()
      love.event.quit()
    elseif clock >= options.test + 120 then  -- no line in two extra minutes: report the failure
      write_report()
      love.event.quit(1)
    end
  end
end

-- Colour of a token drawn at temperature t: blue (cool, T <= 0.2), green (T 0.7), red (hot, T >= 1.2).
local COOL, MILD, HOT = { 0.15, 0.35, 0.85 }, { 0.15, 0.55, 0.25 }, { 0.85, 0.20, 0.15 }
local function temperature_color(t)
  local x = math.max(0, math.min(1, (t - 0.2) / 1.0)) * 2
  local a, b = COOL, MILD
  if x > 1 then a, b, x = MILD, HOT, x - 1 end
  return { a[1] + (b[1] - a[1]) * x, a[2] + (b[2] - a[2]) * x, a[3] + (b[3] - a[3]) * x }
end

local function draw_bubble(v)
  local width, x = 230, math.max(10, math.min(800 - 240, v.x - 115))
  local text = {}
  for _, t in ipairs(v.tokens) do
    table.insert(text, temperature_color(t.temperature))
    table.insert(text, t.text)
  end
  if #text == 0 then text = { { 0.5, 0.5, 0.5 }, '…' } end
  local font = love.graphics.getFont()
  local plain = {}
  for i = 2, #text, 2 do table.insert(plain, text[i]) end
  local _, wrapped = font:getWrap(table.concat(plain), width - 20)
  local height = math.max(1, #wrapped) * font:getHeight() + 34
  local y = GROUND - 150 - height
  love.graphics.setColor(1, 1, 1, 0.95)
  love.graphics.rectangle('fill', x, y, width, height, 10, 10)
  love.graphics.polygon('fill', v.x - 8, y + height, v.x + 8, y + height, v.x, y + height + 14)
  love.graphics.setColor(1, 1, 1)
  love.graphics.printf(text, x + 10, y + 8, width - 20)
  if v.temperature then
    love.graphics.setColor(0.35, 0.35, 0.35)
    love.graphics.print(string.format('T %.2f   top-p %.2f', v.temperature, v.top_p), x + 10, y + height - 22)
  end
end

local function font_width(s) return love.graphics.getFont():getWidth(s) end

local function draw_villager(v, speaking)
  local y = GROUND - 40
  love.graphics.setColor(v.color)
  love.graphics.rectangle('fill', v.x - 22, y - 10, 44, 60, 12, 12)
  love.graphics.setColor(0.96, 0.84, 0.70)
  love.graphics.circle('fill', v.x, y - 32, 22 + (speaking and math.sin(clock * 12) * 1.5 or 0))
  love.graphics.setColor(0.1, 0.1, 0.1)
  love.graphics.circle('fill', v.x - 7, y - 36, 2.5)
  love.graphics.circle('fill', v.x + 7, y - 36, 2.5)
  love.graphics.setColor(1, 1, 1)
  love.graphics.print(v.name, v.x - font_width(v.name) / 2, y + 56)
end


function love.draw()
  love.graphics.clear(0.55, 0.75, 0.92)
  love.graphics.setColor(0.98, 0.92, 0.55)
  love.graphics.circle('fill', 720, 70, 36)
  love.graphics.setColor(1, 1, 1, 0.9)
  for i = 0, 2 do  -- drifting clouds: the frame loop is visibly alive
    local cx = (clock * (14 + i * 6) + i * 300) % 960 - 80
    love.graphics.ellipse('fill', cx, 60 + i * 35, 50, 16)
    love.graphics.ellipse('fill', cx + 30, 52 + i * 35, 34, 14)
  end
  love.graphics.setColor(0.45, 0.62, 0.35)
  love.graphics.rectangle('fill', 0, GROUND, 800, 480 - GROUND)
  love.graphics.setColor(0.72, 0.66, 0.55)
  love.graphics.rectangle('fill', 0, GROUND + 20, 800, 30)
  love.graphics.setColor(0.85, 0.30, 0.25)  -- the traveller walking across the square
  love.graphics.circle('fill', traveller.x, GROUND + 34, 9)

  for i, v in ipairs(villagers) do
    draw_villager(v, i == turn and generating)
    if i == turn and v.tokens then draw_bubble(v) end
  end
  love.graphics.setColor(0.1, 0.1, 0.1)
  love.graphics.print(status_line, 10, 452)
  love.graphics.print(string.format('%d fps', fps + 0.5), 740, 452)
  local lx = 560  -- legend of the token colours
  for _, entry in ipairs({ { 'T 0.2', COOL }, { '0.7', MILD }, { '1.2', HOT } }) do
    love.graphics.setColor(entry[2])
    love.graphics.rectangle('fill', lx, 455, 10, 10)
    love.graphics.setColor(0.1, 0.1, 0.1)
    love.graphics.print(entry[1], lx + 14, 452)
    lx = lx + 14 + font_width(entry[1]) + 12
  end

  -- Hold about 60 frames per second without busy-looping a core the model could use.
  local elapsed = love.timer.getTime() - last_frame_end
  if elapsed < 1 / 60 then love.timer.sleep(1 / 60 - elapsed) end
  last_frame_end = love.timer.getTime()
end

function love.keypressed(key)
  if key == 'escape' then love.event.quit() end
  if key == 'space' and generating then control:push('stop') end  -- cut the current line short
end

function love.quit()
  if generator and generator:isRunning() then
    control:push('stop')
    requests:push({ kind = 'quit' })
    generator:wait()
  end
end
