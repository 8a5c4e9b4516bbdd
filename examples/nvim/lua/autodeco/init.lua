-- autodeco.nvim: text generation with AutoDeco inside Neovim, through LuaJIT's FFI.
--
-- The library does the work on a separate OS thread (vim.loop.new_thread, its own Lua state),
-- so the editor never waits for a forward pass. That thread writes each generated token into
-- a pipe; the main loop reads the pipe through libuv and inserts the text into the buffer.
-- Cancelling calls autodeco_cancel(), which the library allows from any thread.
--
-- Only the installed library and include/autodeco_ffi.h (the header without macros) are used.
local ffi = require('ffi')
local uv = vim.loop

local M = {}

local defaults = {
  library = nil,        -- path of libautodeco.so; default: $AUTODECO_LIBRARY, then the system's
  header = nil,         -- path of autodeco_ffi.h; default: $AUTODECO_FFI_HEADER, then beside the library
  model = nil,          -- path of a GGUF model (required)
  heads = nil,          -- AutoDeco heads for the model; nil: NAME.autodeco beside NAME.gguf if present
  n_ctx = 2048,
  n_threads = 0,        -- 0: one per core
  max_tokens = 128,
  sampler = {},         -- overrides of autodeco_sampler_default_params(): mode, temperature, top_p, seed...
  show_decoding = true, -- colour each token by its temperature, and show T / top-p at the end of the line
  cancel_key = '<C-c>', -- normal-mode key that stops a running generation
}

M.config = vim.deepcopy(defaults)

local state = {
  lib = nil, header_text = nil, library_path = nil,
  model = nil, ctx = nil,  -- made by the first generation thread, reused by the next
  job = nil,  -- the running generation: { thread, pipe, buf, row, col, ... }
}

local MODES = { greedy = 0, static = 1, autodeco = 2, override = 3, mean = 4 }

local function err(msg)
  vim.notify('autodeco: ' .. msg, vim.log.levels.ERROR)
end

local function file_exists(path)
  return path ~= nil and uv.fs_stat(path) ~= nil
end

-- Finds the library and its FFI header: explicit options, then environment, then the system.
local function locate()
  local library = M.config.library or os.getenv('AUTODECO_LIBRARY')
  local header = M.config.header or os.getenv('AUTODECO_FFI_HEADER')
  if header == nil then
    local candidates = {}
    if library then
      local prefix = vim.fn.fnamemodify(library, ':p:h:h')
      table.insert(candidates, prefix .. '/include/autodeco_ffi.h')
    end
    vim.list_extend(candidates, { '/usr/local/include/autodeco_ffi.h', '/usr/include/autodeco_ffi.h' })
    for _, c in ipairs(candidates) do
      if file_exists(c) then header = c; break end
    end
  end
  if header == nil or not file_exists(header) then
    return nil, 'autodeco_ffi.h not found: set header = ... in setup() or $AUTODECO_FFI_HEADER'
  end
  return library or 'autodeco', header
end

-- Loads the library into this Lua state (for autodeco_cancel and the final frees; the model
-- and context themselves are made on the generation thread, so the editor never waits for them).
local function ensure_library()
  if state.lib ~= nil then return true end
  local library, header = locate()
  if library == nil then return nil, header end
  local f = assert(io.open(header, 'r'))
  state.header_text = f:read('*a')
  f:close()
  ffi.cdef(state.header_text)
  local ok, lib = pcall(ffi.load, library)
  if not ok then return nil, 'cannot load ' .. library .. ': ' .. tostring(lib) end
  state.lib, state.library_path = lib, library
  return true
end

-- The sampler of setup() as "field=value" pairs for the generation thread: AutoDeco when the
-- model has heads, greedy otherwise, unless sampler.mode says otherwise.
local function sampler_spec()
  local s = M.config.sampler
  local parts = {}
  if s.mode ~= nil then
    if MODES[s.mode] == nil then return nil, 'sampler.mode must be one of greedy, static, autodeco, override, mean' end
    table.insert(parts, 'mode=' .. MODES[s.mode])
  end
  for _, field in ipairs({ 'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'seed' }) do
    if s[field] ~= nil then
      if type(s[field]) ~= 'number' then return nil, 'sampler.' .. field .. ' must be a number' end
      table.insert(parts, field .. '=' .. s[field])
    end
  end
  return table.concat(parts, ';')
end

-- Runs on the generation thread, in a Lua state of its own: nothing from this file is visible
-- there, so everything arrives as arguments (an existing context as its address, 0 for none).
-- Messages on the pipe, each "<kind> <a> <b> <byte count>\n<bytes>":
--   c <context address> <model address> <has heads>   the context made by this thread
--   t <temperature> <top_p> <n>                         one token and its text
--   d <status> <stop reason> <n>                        the end, with the error message if any
-- (A luv thread takes at most 9 arguments: the numbers travel together in `numbers`.)
local function generation_thread(header_text, library_path, numbers, model_path, heads_path, sampler, prompt)
  local ffi = require('ffi')
  local ctx_address, model_address, n_ctx, n_threads, chat, max_tokens, fd = numbers:match(
    '^(%d+) (%d+) (%d+) (%d+) (%d) (%d+) (%d+)$')
  ctx_address, model_address, chat = tonumber(ctx_address), tonumber(model_address), chat == '1'
  n_ctx, n_threads, max_tokens, fd = tonumber(n_ctx), tonumber(n_threads), tonumber(max_tokens), tonumber(fd)
  -- A C function that calls back into Lua must not be entered from JIT-compiled code.
  jit.off()
  ffi.cdef(header_text)
  ffi.cdef('long write(int fd, const void *buf, unsigned long n); int close(int fd);')
  local lib = ffi.load(library_path)
  local function send(kind, a, b, payload)
    local s = string.format('%s %s %s %d\n', kind, a, b, #payload) .. payload
    local sent = 0
    while sent < #s do
      local n = ffi.C.write(fd, ffi.cast('const char *', s) + sent, #s - sent)
      if n <= 0 then return false end
      sent = sent + n
    end
    return true
  end
  local function finish(status, reason, message)
    send('d', status, reason, message)
    ffi.C.close(fd)
  end
  local function address(ptr) return string.format('%.0f', tonumber(ffi.cast('intptr_t', ptr))) end

  local ctx, model
  if ctx_address == 0 then
    local mp = lib.autodeco_model_default_params()
    if heads_path ~= '' then mp.heads_path = heads_path end
    local out_model = ffi.new('autodeco_model *[1]')
    local status = lib.autodeco_model_load(model_path, mp, out_model)
    if status ~= 0 then return finish(status, -1, ffi.string(lib.autodeco_last_error())) end
    model = out_model[0]
    local cp = lib.autodeco_context_default_params()
    cp.n_ctx, cp.n_threads = n_ctx, n_threads
    local out_ctx = ffi.new('autodeco_context *[1]')
    status = lib.autodeco_context_create(model, cp, out_ctx)
    if status ~= 0 then
      local message = ffi.string(lib.autodeco_last_error())
      lib.autodeco_model_free(model)
      return finish(status, -1, message)
    end
    ctx = out_ctx[0]
    send('c', address(ctx), address(model), lib.autodeco_context_has_heads(ctx) and '1' or '0')
  else
    ctx = ffi.cast('autodeco_context *', ctx_address)
    model = ffi.cast('autodeco_model *', model_address)
  end

  local sp = lib.autodeco_sampler_default_params()
  sp.mode = lib.autodeco_context_has_heads(ctx) and lib.AUTODECO_SAMPLER_AUTODECO or lib.AUTODECO_SAMPLER_GREEDY
  for field, value in sampler:gmatch('([%w_]+)=([^;]+)') do sp[field] = tonumber(value) end
  local status = lib.autodeco_context_set_sampler(ctx, sp)
  if status ~= 0 then return finish(status, -1, ffi.string(lib.autodeco_last_error())) end
  lib.autodeco_context_reset(ctx)

  if chat then  -- the model's own chat template, one user message, then the assistant's turn
    local messages = ffi.new('autodeco_chat_message[1]')
    messages[0].role, messages[0].content = 'user', prompt
    local n = lib.autodeco_apply_chat_template(model, nil, messages, 1, true, nil, 0)
    if n < 0 then return finish(n, -1, ffi.string(lib.autodeco_last_error())) end
    local text = ffi.new('char[?]', n + 1)
    lib.autodeco_apply_chat_template(model, nil, messages, 1, true, text, n + 1)
    prompt = ffi.string(text, n)
  end

  local callback = ffi.cast('autodeco_token_callback', function(ev, _)
    return send('t', string.format('%.4f', ev.info.temperature), string.format('%.4f', ev.info.top_p),
                ffi.string(ev.text, ev.text_len))
  end)
  local params = lib.autodeco_generate_default_params()
  params.max_tokens = max_tokens
  local reason = ffi.new('int32_t[1]', -1)
  status = lib.autodeco_generate(ctx, prompt, #prompt, params, callback, nil, reason)
  local message = status ~= 0 and ffi.string(lib.autodeco_last_error()) or ''
  callback:free()
  finish(status, reason[0], message)
end

pcall(ffi.cdef, 'int pipe(int fds[2]); int close(int fd);')  -- pcall: already declared on a reload

local REASONS = { [0] = 'end of generation', 'max tokens', 'stop string', 'callback', 'cancelled', 'context full' }

local ns = vim.api.nvim_create_namespace('autodeco')

local function temperature_group(t)
  if t < 0.5 then return 'AutodecoCold' elseif t < 1.0 then return 'AutodecoWarm' else return 'AutodecoHot' end
end

-- Inserts one token's text at the job's insertion point and moves the point past it.
local function insert_token(job, text, temperature, top_p)
  if not vim.api.nvim_buf_is_valid(job.buf) then return end
  local lines = vim.split(text, '\n', { plain = true })
  local r0, c0 = job.row, job.col
  vim.api.nvim_buf_set_text(job.buf, r0, c0, r0, c0, lines)
  if #lines == 1 then
    job.col = c0 + #text
  else
    job.row = r0 + #lines - 1
    job.col = #lines[#lines]
  end
  job.n_tokens = job.n_tokens + 1
  job.text = job.text .. text
  if M.config.show_decoding then
    if #text > 0 then
      vim.api.nvim_buf_set_extmark(job.buf, ns, r0, c0,
        { end_row = job.row, end_col = job.col, hl_group = temperature_group(temperature) })
    end
    job.value_mark = vim.api.nvim_buf_set_extmark(job.buf, ns, job.row, 0, {
      id = job.value_mark,
      virt_text = { { string.format('T %.2f  top-p %.2f', temperature, top_p), 'Comment' } },
      virt_text_pos = 'eol',
    })
  end
end

local function finish(job, status, reason, message)
  if job.value_mark and vim.api.nvim_buf_is_valid(job.buf) then
    pcall(vim.api.nvim_buf_del_extmark, job.buf, ns, job.value_mark)
  end
  job.thread:join()  -- the thread has written its last message: this returns at once
  job.pipe:close()
  state.job = nil
  if M.config.cancel_key and vim.api.nvim_buf_is_valid(job.buf) then
    pcall(vim.api.nvim_buf_del_keymap, job.buf, 'n', M.config.cancel_key)
  end
  job.result = { status = status, reason = REASONS[reason] or tostring(reason), message = message,
                 n_tokens = job.n_tokens, text = job.text }
  if status ~= 0 then err(message) end
  if job.on_done then job.on_done(job.result) end
end

-- Parses pipe messages as they arrive (a read may hold several messages, or part of one).
local function consume(job, data)
  job.pending = job.pending .. data
  while true do
    local header, rest = job.pending:match('^([^\n]*)\n(.*)$')
    if header == nil then return end
    local kind, a, b, len = header:match('^(%a) (%S+) (%S+) (%d+)$')
    len = tonumber(len)
    if #rest < len then return end
    local payload = rest:sub(1, len)
    job.pending = rest:sub(len + 1)
    if kind == 't' then
      insert_token(job, payload, tonumber(a), tonumber(b))
    elseif kind == 'c' then  -- the thread made the context: keep it for the next generations
      state.ctx = ffi.cast('autodeco_context *', tonumber(a))
      state.model = ffi.cast('autodeco_model *', tonumber(b))
      if job.cancel_requested then state.lib.autodeco_cancel(state.ctx) end
    else
      finish(job, tonumber(a), tonumber(b), payload)
    end
  end
end

-- Starts generating into `buf` at (row, col), 0-based: `prompt` as plain text to continue, or
-- with `chat` as a user message under the model's chat template. Returns the job table, whose
-- `result` field is set when it ends (and on_done(result) called).
function M.start(buf, row, col, prompt, chat, on_done)
  if state.job then return nil, 'a generation is already running (' .. M.config.cancel_key .. ' or :AutodecoCancel stops it)' end
  if M.config.model == nil then return nil, 'no model: call require("autodeco").setup({ model = "…gguf" })' end
  local ok, msg = ensure_library()
  if not ok then return nil, msg end
  local sampler
  sampler, msg = sampler_spec()
  if not sampler then return nil, msg end
  local fds = ffi.new('int[2]')
  if ffi.C.pipe(fds) ~= 0 then return nil, 'pipe() failed' end
  local pipe = uv.new_pipe(false)
  pipe:open(fds[0])
  local job = { buf = buf, row = row, col = col, n_tokens = 0, text = '', pending = '', pipe = pipe,
                on_done = on_done }
  pipe:read_start(function(read_err, data)
    if read_err or data == nil then return end  -- end of pipe: the 'd' message came before it
    vim.schedule(function() consume(job, data) end)
  end)
  local function address(ptr) return ptr and tonumber(ffi.cast('intptr_t', ptr)) or 0 end
  local numbers = string.format('%.0f %.0f %d %d %d %d %d', address(state.ctx), address(state.model), M.config.n_ctx,
                                M.config.n_threads, chat and 1 or 0, M.config.max_tokens, fds[1])
  job.thread = uv.new_thread(generation_thread, state.header_text, state.library_path, numbers, M.config.model,
                             M.config.heads or '', sampler, prompt)
  state.job = job
  if M.config.cancel_key then
    vim.api.nvim_buf_set_keymap(buf, 'n', M.config.cancel_key, '<Cmd>AutodecoCancel<CR>',
                                { noremap = true, silent = true, desc = 'stop autodeco generation' })
  end
  return job
end

-- Stops the running generation (it ends with reason 'cancelled').
function M.cancel()
  if state.job == nil then return end
  state.job.cancel_requested = true  -- honoured when the context arrives, if it is still being made
  if state.ctx then state.lib.autodeco_cancel(state.ctx) end
end

function M.running()
  return state.job ~= nil
end

-- Text of lines [first, last] (1-based), or of the buffer up to the cursor when no range is given.
local function buffer_text(buf, first, last)
  return table.concat(vim.api.nvim_buf_get_lines(buf, first - 1, last, false), '\n')
end

-- :AutodecoContinue — continues the buffer from the cursor, or the selected lines (with a range).
function M.continue(opts)
  local buf = vim.api.nvim_get_current_buf()
  local prompt, row, col
  if opts and opts.range and opts.range > 0 then
    prompt = buffer_text(buf, opts.line1, opts.line2)
    row = opts.line2 - 1
    col = #(vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or '')
  else
    local cursor = vim.api.nvim_win_get_cursor(0)
    row = cursor[1] - 1
    local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ''
    col = math.min(#line, cursor[2] + 1)  -- after the character under the cursor
    prompt = buffer_text(buf, 1, row) .. (row > 0 and '\n' or '') .. line:sub(1, col)
  end
  if prompt == '' then return err('nothing to continue: the text before the cursor is empty') end
  local job, msg = M.start(buf, row, col, prompt, false)
  if not job then err(msg) end
  return job
end

-- :AutodecoAsk {question} — answers in a scratch buffer, with the model's chat template.
function M.ask(question)
  if question == nil or question == '' then return err('usage: :AutodecoAsk {question}') end
  vim.cmd('new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype, vim.bo[buf].bufhidden, vim.bo[buf].swapfile = 'nofile', 'wipe', false
  vim.api.nvim_buf_set_name(buf, 'autodeco://answer/' .. buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { '> ' .. question:gsub('\n', ' '), '' })
  local job, msg = M.start(buf, 1, 0, question, true)
  if not job then err(msg) end
  return job
end

-- Frees the context and model; a running generation is cancelled and waited for first (its
-- messages keep flowing meanwhile, so a context still being made is cancelled when it arrives).
function M.shutdown()
  if state.job then
    M.cancel()
    vim.wait(30000, function() return state.job == nil end, 5)
    if state.job then return end  -- still running: leaking beats freeing a context in use
  end
  if state.ctx then state.lib.autodeco_context_free(state.ctx); state.ctx = nil end
  if state.model then state.lib.autodeco_model_free(state.model); state.model = nil end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if state.ctx then M.shutdown() end  -- a new model or context size applies to the next generation
end

return M
