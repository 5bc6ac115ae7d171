# callpop's words in English: the one catalog for the pages (ui/js/i18n.js) and the Rust side.
# Message ids are kebab-case, grouped by window; Russian is in ru.ftl with the same ids.
