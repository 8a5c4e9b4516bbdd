" autodeco.nvim: commands and highlight groups (the work is in lua/autodeco/init.lua).
if exists('g:loaded_autodeco') | finish | endif
let g:loaded_autodeco = 1

" Tokens coloured by the temperature they were drawn at (show_decoding = true).
highlight default AutodecoCold guifg=#6fa8dc ctermfg=74
highlight default AutodecoWarm guifg=#93c47d ctermfg=107
highlight default AutodecoHot  guifg=#e06666 ctermfg=167

command! -range=0 AutodecoContinue lua require('autodeco').continue({ range = <range>, line1 = <line1>, line2 = <line2> })
command! -nargs=+ AutodecoAsk lua require('autodeco').ask(<q-args>)
command! AutodecoCancel lua require('autodeco').cancel()

augroup autodeco
  autocmd!
  autocmd VimLeavePre * lua if package.loaded['autodeco'] then require('autodeco').shutdown() end
augroup END
