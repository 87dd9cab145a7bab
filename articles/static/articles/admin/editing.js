'use strict';
// The article form's editing aids (articles/admin/widgets.py): names created by typing them
// in their autocomplete box, inline rows (bylines, quotes) ordered by dragging, the body's
// word count as it is typed. Served from here: no CDN.
//
// It may load before or after the admin's jQuery and autocomplete.js (the form's Media
// merges the editor's scripts its own way), so it starts when the page is ready.
document.addEventListener('DOMContentLoaded', () => {
    const $ = django.jQuery;

    // --- autocomplete that offers "Create “…”" -------------------------------------------
    // Django's autocomplete.js calls $.fn.djangoAdminSelect2 when the page is ready and for
    // every inline row added: boxes marked data-create get select2's tags mode on top.
    const djangoSelect2 = $.fn.djangoAdminSelect2;
    function creatable() {
        djangoSelect2.call(this.not('[data-create]'));
        this.filter('[data-create]').each(function(i, element) {
            const prefix = element.dataset.create;
            $(element).select2({
                tags: true,
                ajax: {
                    data: (params) => ({
                        term: params.term,
                        page: params.page,
                        app_label: element.dataset.appLabel,
                        model_name: element.dataset.modelName,
                        field_name: element.dataset.fieldName
                    })
                },
                createTag: (params) => {
                    const term = params.term.trim();
                    return term ? {id: prefix + term, text: term, created: true} : null;
                },
                // The stored names first, then the offer to create the typed one.
                insertTag: (data, tag) => { data.push(tag); },
                templateResult: (item) => (
                    item.created ? `${element.dataset.createLabel} “${item.text}”` : item.text
                )
            });
        });
        return this;
    }
    if (djangoSelect2) {
        $.fn.djangoAdminSelect2 = creatable;
        // Those autocomplete.js already started: again, with the offer to create.
        const boxes = $('.admin-autocomplete[data-create]').not('[name*=__prefix__]');
        boxes.filter('.select2-hidden-accessible').select2('destroy');
        boxes.djangoAdminSelect2();
    }

    // --- rows ordered by dragging ------------------------------------------------------------
    const GRIP = '<svg viewBox="0 0 10 16" width="10" height="16" aria-hidden="true">' +
        '<g fill="currentColor"><circle cx="2" cy="2" r="1.5"/><circle cx="8" cy="2" r="1.5"/>' +
        '<circle cx="2" cy="8" r="1.5"/><circle cx="8" cy="8" r="1.5"/>' +
        '<circle cx="2" cy="14" r="1.5"/><circle cx="8" cy="14" r="1.5"/></g></svg>';

    function rowsOf(group) {
        const rows = group.dataset.inlineType === 'tabular' ? 'tr.form-row' : '.inline-related';
        return Array.from(group.querySelectorAll(rows))
            .filter((row) => row.querySelector('input[data-position]'));
    }

    function renumber(group) {
        rowsOf(group).filter((row) => !row.classList.contains('empty-form'))
            .forEach((row, index) => {
                row.querySelector('input[data-position]').value = index;
            });
    }

    function addHandle(row) {
        if (row.querySelector('.drag-handle')) {
            return;
        }
        const handle = document.createElement('span');
        handle.className = 'drag-handle';
        handle.draggable = true;
        handle.title = 'Drag to reorder (or focus and press the up and down arrows)';
        handle.tabIndex = 0;
        handle.setAttribute('role', 'button');
        handle.setAttribute('aria-label', 'Move this row: up and down arrows');
        handle.innerHTML = GRIP;
        const place = row.querySelector('td.original') || row.querySelector('td') ||
            row.querySelector('h3') || row;
        place.prepend(handle);
    }

    function sortable(group) {
        let dragged = null;
        rowsOf(group).forEach(addHandle);
        group.classList.add('sortable-rows');
        group.addEventListener('dragstart', (event) => {
            const handle = event.target.closest && event.target.closest('.drag-handle');
            if (!handle) {
                return;
            }
            dragged = rowsOf(group).find((row) => row.contains(handle));
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', dragged.id);
            dragged.classList.add('dragging');
        });
        group.addEventListener('dragover', (event) => {
            if (!dragged) {
                return;
            }
            const over = rowsOf(group).find((row) => row.contains(event.target));
            if (!over || over === dragged || over.classList.contains('empty-form')) {
                return;
            }
            event.preventDefault();
            const box = over.getBoundingClientRect();
            over.parentNode.insertBefore(
                dragged, event.clientY < box.top + box.height / 2 ? over : over.nextSibling
            );
        });
        group.addEventListener('drop', (event) => {
            if (dragged) {
                event.preventDefault();
            }
        });
        group.addEventListener('dragend', () => {
            if (dragged) {
                dragged.classList.remove('dragging');
                dragged = null;
                renumber(group);
            }
        });
        group.addEventListener('keydown', (event) => {
            const handle = event.target.closest && event.target.closest('.drag-handle');
            if (!handle || !['ArrowUp', 'ArrowDown'].includes(event.key)) {
                return;
            }
            const rows = rowsOf(group).filter((row) => !row.classList.contains('empty-form'));
            const row = rows.find((candidate) => candidate.contains(handle));
            const index = rows.indexOf(row) + (event.key === 'ArrowUp' ? -1 : 1);
            event.preventDefault();
            if (index < 0 || index >= rows.length) {
                return;
            }
            const other = rows[index];
            other.parentNode.insertBefore(row, event.key === 'ArrowUp' ? other : other.nextSibling);
            renumber(group);
            handle.focus();
        });
        const form = group.closest('form');
        if (form) {
            form.addEventListener('submit', () => renumber(group));
        }
    }

    document.addEventListener('formset:added', (event) => {
        const group = event.target.closest('.sortable-rows');
        if (group) {
            addHandle(event.target);
            renumber(group);
        }
    });

    // --- the preview of the form as it is ----------------------------------------------------
    // The form goes, unchecked by the browser, to the preview in a tab of its own, and stays
    // as it is here (its own action and target are put back at once).
    document.addEventListener('click', (event) => {
        const button = event.target.closest && event.target.closest('button[data-preview]');
        if (!button || !button.form) {
            return;
        }
        const form = button.form;
        const kept = [form.getAttribute('action'), form.target, form.noValidate];
        form.action = button.dataset.preview;
        form.target = 'newsapi-preview';
        form.noValidate = true;
        form.requestSubmit();
        kept[0] === null ? form.removeAttribute('action') : form.setAttribute('action', kept[0]);
        [form.target, form.noValidate] = [kept[1], kept[2]];
    });

    // --- the body's word count -------------------------------------------------------------
    // As text.word_count counts: runs between spaces with a letter or digit in them.
    function countWords(text) {
        return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
    }

    function wordCount(textarea) {
        const perMinute = Number(textarea.dataset.wordCount) || 230;
        const output = document.createElement('p');
        output.className = 'word-count help';
        output.setAttribute('aria-live', 'polite');
        // The editor wraps the textarea after this runs: watch the field's row.
        const container = textarea.closest('.form-row') || textarea.parentNode;
        container.append(output);
        const update = () => {
            const editor = container.querySelector('.ProseMirror[contenteditable]');
            const words = countWords(editor ? editor.innerText : textarea.value);
            const minutes = Math.ceil(words / perMinute);
            const text = `${words} ${words === 1 ? 'word' : 'words'}` +
                (words ? `, ${minutes} min read` : '');
            if (output.textContent !== text) {  // (the observer sees this change too)
                output.textContent = text;
            }
        };
        update();
        container.addEventListener('input', update);
        textarea.addEventListener('input', update);
        new MutationObserver(update).observe(container, {
            childList: true, subtree: true, characterData: true
        });
    }

    document.querySelectorAll('.inline-group').forEach((group) => {
        if (group.querySelector('input[data-position]')) {
            sortable(group);
        }
    });
    document.querySelectorAll('textarea[data-word-count]').forEach(wordCount);
});
