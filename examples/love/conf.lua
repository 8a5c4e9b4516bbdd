-- LÖVE settings: a small window, no audio (the scene is silent, and headless machines have none).
function love.conf(t)
  t.identity = 'autodeco-village'
  t.version = '11.0'
  t.window.title = 'autodeco: village square'
  t.window.width = 800
  t.window.height = 480
  t.window.vsync = 1
  t.modules.audio = false
  t.modules.sound = false
  t.modules.joystick = false
  t.modules.physics = false
  t.modules.video = false
end
