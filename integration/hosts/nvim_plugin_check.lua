-- Drives examples/nvim under `nvim --headless` (integration/test_nvim_plugin.py): continue a buffer,
-- cancel with the key, answer a question in a scratch buffer, while a 5 ms timer measures how
-- long the editor's main loop was ever kept waiting. Writes the observations as JSON.
local out_path = os.getenv('CHECK_OUT')
local autodeco = require('autodeco')
autodeco.setup({
  library = os.getenv('AUTODECO_LIBRARY'),
  header = os.getenv('AUTODECO_FFI_HEADER'),
  model = os.getenv('AUTODECO_MODEL'),
  heads = os.getenv('AUTODECO_HEADS'),
  n_threads = tonumber(os.getenv('CHECK_THREADS') or '0'),
  max_tokens = 24,
  sampler = { seed = 7 },
})

local result = {}

-- Longest interval between ticks of a 5 ms timer while `work` runs.
local function with_loop_watch(work)
  local last, longest = vim.loop.hrtime(), 0
  local timer = vim.loop.new_timer()
  timer:start(5, 5, function()
    local now = vim.loop.hrtime()
    longest = math.max(longest, (now - last) / 1e6)
    last = now
  end)
  local value = work()
  timer:stop(); timer:close()
  return value, longest
end

local function wait_done(job, ms)
  vim.wait(ms, function() return job.result ~= nil end, 5)
  return job.result
end

-- 1. Continue the buffer from the cursor.
vim.cmd('enew')
local buf = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'Here is a short story about a lighthouse keeper.', 'Once upon a time' })
vim.api.nvim_win_set_cursor(0, { 2, 15 })
local before = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
local continued, longest = with_loop_watch(function()
  local t = vim.loop.hrtime()
  local job = autodeco.continue()
  result.continue_start_ms = (vim.loop.hrtime() - t) / 1e6
  return wait_done(job, 120000)
end)
local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
result.continue = continued
result.continue_longest_wait_ms = longest
result.continue_buffer_before = before
result.continue_buffer_after = after
result.continue_extmarks = #vim.api.nvim_buf_get_extmarks(buf, vim.api.nvim_create_namespace('autodeco'), 0, -1, {})

-- 2. A long generation stopped with the cancel key after a few tokens.
autodeco.config.max_tokens = 2000
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'A list of one hundred animals:' })
vim.api.nvim_win_set_cursor(0, { 1, 29 })
local job = autodeco.continue()
vim.wait(60000, function() return job.n_tokens >= 3 end, 5)
local t0 = vim.loop.hrtime()
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(autodeco.config.cancel_key, true, false, true), 'mx', false)
result.cancel = wait_done(job, 60000)
result.cancel_ms = (vim.loop.hrtime() - t0) / 1e6
result.cancel_running_after = autodeco.running()

-- 3. A question answered in a scratch buffer with the chat template.
autodeco.config.max_tokens = 16
local ask_job = autodeco.ask('What is the capital of France?')
result.ask = wait_done(ask_job, 120000)
result.ask_buffer = table.concat(vim.api.nvim_buf_get_lines(ask_job.buf, 0, -1, false), '\n')

local f = assert(io.open(out_path, 'w'))
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
