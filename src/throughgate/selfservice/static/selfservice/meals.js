// Kitchen totals: the Print button prints the page with its print stylesheet (meals.css).
for (const button of document.querySelectorAll('[data-tg-print]')) {
  button.addEventListener('click', () => window.print())
}
