'use strict';
// "Back to the form": an unsaved version's preview opened in a tab of its own, over the form
// with the editor's changes; closing it goes back there. A tab that cannot be closed by a
// script follows the link (the form as stored) instead.
document.addEventListener('DOMContentLoaded', () => {
    const back = document.querySelector('.preview-back[data-close="true"]');
    if (back) {
        back.addEventListener('click', (event) => {
            window.close();
            if (!window.closed) {
                return;  // the link is followed
            }
            event.preventDefault();
        });
    }
});
