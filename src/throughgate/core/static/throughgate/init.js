import { initAll } from '../vendor/govuk/govuk-frontend.min.js'

initAll()

// Kiosk idle countdown: the server ends a kiosk session after its idle limit; this shows the seconds left, warns
// in the last 30, signs out at zero, and tells the server the person is still here when they touch the screen.
const idle = document.querySelector('[data-tg-idle]')
if (idle) {
  const limit = parseInt(document.body.dataset.idleSeconds, 10) || 120
  const counter = idle.querySelector('[data-tg-idle-count]')
  const sentence = idle.querySelector('.tg-idle-warning__text')
  // Screen readers hear the warning at 30 and at 10 seconds left, not every tick.
  const announcer = idle.querySelector('[data-tg-idle-announce]')
  let announced = Infinity
  const logoutForm = document.querySelector('[data-tg-idle-logout]')
  const csrf = logoutForm.querySelector('input[name=csrfmiddlewaretoken]').value
  let deadline = Date.now() + limit * 1000
  let lastPing = Date.now()

  const tick = () => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    counter.textContent = String(left)
    idle.classList.toggle('tg-idle-warning--visible', left <= 30)
    const due = [10, 30].find((at) => left <= at && announced > at)
    if (due !== undefined && announcer) {
      announced = due
      announcer.textContent = sentence.textContent.replace(/\s+/g, ' ').trim()
    }
    if (left === 0) {
      logoutForm.submit()
      return
    }
    window.setTimeout(tick, 1000)
  }

  const activity = () => {
    deadline = Date.now() + limit * 1000
    announced = Infinity
    if (Date.now() - lastPing > 20000) {
      lastPing = Date.now()
      fetch(idle.dataset.keepaliveUrl, { method: 'POST', headers: { 'X-CSRFToken': csrf }, credentials: 'same-origin' })
        .catch(() => {})
    }
  }
  for (const type of ['pointerdown', 'keydown', 'touchstart']) {
    document.addEventListener(type, activity, { passive: true })
  }
  tick()
}
