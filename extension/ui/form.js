// Small behaviour shared by the paste forms of the popup and the www page.

/** Ctrl+Enter / ⌘+Enter in the paste box traces, as in most mail clients' compose boxes. */
export function submitOnCtrlEnter(textarea, form) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}
