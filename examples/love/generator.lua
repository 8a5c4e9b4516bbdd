-- The generation thread (love.thread): loads the library through LuaJIT's FFI, the model and one
-- context, then answers requests from the 'autodeco.requests' channel, pushing every token on
-- 'autodeco.events' as it is generated. The frame loop never calls the library, so a forward
-- pass can never hold up a frame.
--
-- Requests:  { kind = 'line', speaker = i, prompt = '...', max_tokens = n }  or  { kind = 'quit' }
-- Events:    { kind = 'ready', heads = bool }  { kind = 'error', message = '...' }
--            { kind = 'token', speaker = i, text = '...', temperature = T, top_p = P }
--            { kind = 'done', speaker = i, reason = r }
local settings = ...  -- { library, header, model, heads, n_threads, seed }
require('love.timer')
local ffi = require('ffi')
-- A C function that calls back into Lua must not be entered from JIT-compiled code.
jit.off()

local requests = love.thread.getChannel('autodeco.requests')
local events = love.thread.getChannel('autodeco.events')
local control = love.thread.getChannel('autodeco.control')  -- 'stop' ends the current line early

local function fail(message)
  events:push({ kind = 'error', message = message })
end

local f = io.open(settings.header, 'r')
if f == nil then return fail('cannot read ' .. settings.header) end
ffi.cdef(f:read('*a'))
f:close()
local ok, lib = pcall(ffi.load, settings.library)
if not ok then return fail('cannot load ' .. settings.library .. ': ' .. tostring(lib)) end
local function last_error() return ffi.string(lib.autodeco_last_error()) end

local mp = lib.autodeco_model_default_params()
if settings.heads then mp.heads_path = settings.heads end
local model_out = ffi.new('autodeco_model *[1]')
if lib.autodeco_model_load(settings.model, mp, model_out) ~= 0 then return fail(last_error()) end
local model = model_out[0]
local cp = lib.autodeco_context_default_params()
cp.n_ctx = 1024
cp.n_threads = settings.n_threads
cp.sampler.seed = settings.seed
local ctx_out = ffi.new('autodeco_context *[1]')
if lib.autodeco_context_create(model, cp, ctx_out) ~= 0 then
  local message = last_error()
  lib.autodeco_model_free(model)
  return fail(message)
end
local ctx = ctx_out[0]
local has_heads = lib.autodeco_context_has_heads(ctx)
if not has_heads then  -- without heads, greedy (AutoDeco sampling needs them)
  local sp = lib.autodeco_sampler_default_params()
  sp.mode = lib.AUTODECO_SAMPLER_GREEDY
  lib.autodeco_context_set_sampler(ctx, sp)
end
events:push({ kind = 'ready', heads = has_heads })

-- The prompt of one line: the model's chat template around the character's instruction.
local function chat_prompt(text)
  local messages = ffi.new('autodeco_chat_message[1]')
  messages[0].role, messages[0].content = 'user', text
  local n = lib.autodeco_apply_chat_template(model, nil, messages, 1, true, nil, 0)
  if n < 0 then return nil end
  local buf = ffi.new('char[?]', n + 1)
  lib.autodeco_apply_chat_template(model, nil, messages, 1, true, buf, n + 1)
  return ffi.string(buf, n)
end

local speaker = 0
local callback = ffi.cast('autodeco_token_callback', function(ev, _)
  events:push({ kind = 'token', speaker = speaker, text = ffi.string(ev.text, ev.text_len),
                temperature = ev.info.temperature, top_p = ev.info.top_p })
  return control:pop() ~= 'stop'
end)
local stop = ffi.new('const char *[1]', { '\n' })  -- one line per bubble
local reason = ffi.new('int32_t[1]')

while true do
  local request = requests:demand()
  if request.kind == 'quit' then break end
  speaker = request.speaker
  control:clear()
  lib.autodeco_context_reset(ctx)
  local prompt = chat_prompt(request.prompt)
  local params = lib.autodeco_generate_default_params()
  params.max_tokens = request.max_tokens or 48
  params.stop, params.n_stop = stop, 1
  local status = prompt and lib.autodeco_generate(ctx, prompt, #prompt, params, callback, nil, reason) or -10
  if status ~= 0 then
    events:push({ kind = 'error', message = last_error() })
  end
  events:push({ kind = 'done', speaker = speaker, reason = reason[0] })
end

callback:free()
lib.autodeco_context_free(ctx)
lib.autodeco_model_free(model)
