// A recording that is playing keeps the kiosk session: the idle countdown (core init.js) counts touches, and nobody
// touches the screen while they watch. Every 15 seconds of playing counts as one touch.
const players = document.querySelectorAll('[data-tg-player]')
let lastNudge = 0
for (const player of players) {
  player.addEventListener('timeupdate', () => {
    if (player.paused || Date.now() - lastNudge < 15000) return
    lastNudge = Date.now()
    document.dispatchEvent(new Event('pointerdown'))
  })
}
