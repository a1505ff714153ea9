// Kiosk and in-cell forms on a bad connection. The form keeps the idempotency key it was given when it was shown,
// so sending it again can never store it twice. If the device is offline the form is not sent: the person is told
// and their words stay on the screen (and survive a reload, kept in this tab's session storage until sent).
for (const form of document.querySelectorAll('form[data-tg-keyed]')) {
  const keyInput = form.querySelector('input[name=key]')
  const message = form.querySelector('[data-tg-offline]')
  const fields = form.querySelectorAll('textarea')
  const storageKey = (field) => `tg-draft:${window.location.pathname}:${field.name}`
  for (const field of fields) {
    try {
      const saved = window.sessionStorage.getItem(storageKey(field))
      if (saved && !field.value) field.value = saved
    } catch (e) { /* storage may be off */ }
    field.addEventListener('input', () => {
      try { window.sessionStorage.setItem(storageKey(field), field.value) } catch (e) { /* storage may be off */ }
    })
  }
  // A send whose answer never arrived (no success page since): going back and sending again reuses its key, so the
  // server returns what it stored the first time instead of storing it twice.
  try {
    const savedKey = window.sessionStorage.getItem(`tg-key:${window.location.pathname}`)
    if (savedKey && keyInput) keyInput.value = savedKey
  } catch (e) { /* storage may be off */ }
  form.addEventListener('submit', (event) => {
    if (!navigator.onLine) {
      event.preventDefault()
      if (message) {
        message.hidden = false
        message.setAttribute('role', 'alert')
      }
      form.querySelectorAll('button[type=submit]').forEach((button) => { button.disabled = false })
      return
    }
    try {
      if (keyInput) window.sessionStorage.setItem(`tg-key:${window.location.pathname}`, keyInput.value)
    } catch (e) { /* storage may be off */ }
  })
}
// Once an app page loads after a send, the drafts of that form are done with.
if (document.querySelector('.govuk-notification-banner--success')) {
  try {
    for (const name of Object.keys(window.sessionStorage)) {
      if (name.startsWith('tg-draft:') || name.startsWith('tg-key:')) window.sessionStorage.removeItem(name)
    }
  } catch (e) { /* storage may be off */ }
}
