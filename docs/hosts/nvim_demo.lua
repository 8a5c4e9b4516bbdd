-- The scene of docs/nvim.png (scripts/screenshots): a Python file continued by
-- Qwen2.5-Coder with its AutoDeco heads, tokens coloured by temperature. Writes $DEMO_DONE after
-- 60 tokens, while the generation is still running (so the T / top-p mark is on screen).
vim.o.termguicolors = true
vim.o.number = true
vim.o.laststatus = 2
vim.cmd('syntax on')
local autodeco = require('autodeco')
autodeco.setup({
  library = os.getenv('AUTODECO_LIBRARY'), header = os.getenv('AUTODECO_FFI_HEADER'),
  model = os.getenv('AUTODECO_MODEL'), heads = os.getenv('AUTODECO_HEADS'),
  max_tokens = 200, sampler = { seed = 3 },
})
vim.cmd('cd ' .. vim.fn.fnamemodify(os.getenv('DEMO_FILE'), ':h'))
vim.cmd('edit ' .. vim.fn.fnamemodify(os.getenv('DEMO_FILE'), ':t'))
vim.bo.filetype = 'python'
local last = vim.api.nvim_buf_line_count(0)
vim.api.nvim_win_set_cursor(0, { last, #vim.api.nvim_buf_get_lines(0, last - 1, last, false)[1] })
local job = autodeco.continue()
local timer = vim.loop.new_timer()
timer:start(20, 20, vim.schedule_wrap(function()
  if job.n_tokens >= 60 or job.result then
    timer:stop()
    vim.cmd('redraw')
    local f = io.open(os.getenv('DEMO_DONE'), 'w'); f:write('done'); f:close()
  end
end))
