# callpop, русский: main
# Главное окно: телефоны, вызовы, набор номера, недавние вызовы.

## Шапка и подвал

main-starting = Запуск…
main-no-app = Работает не внутри callpop
main-no-state = Не удаётся узнать состояние телефонов
main-no-updates = callpop не будет сам обновлять это окно: { $message }
main-demo-badge = Демо-телефон
main-dnd-badge = Не беспокоить
main-open-settings = Открыть настройки
main-settings = Настройки
main-hotkey-hint = Позвонить на выделенный номер: { $hotkey }
main-problems-title = Неполадки
main-connection-stopped = Сейчас callpop не следит за телефоном.
main-connection-not-configured = Чтобы начать, введите адрес телефона в настройках.
# Заголовок, когда подключено несколько телефонов.
main-phones-all-connected = { $count ->
    [2] Оба телефона подключены
   *[other] Все телефоны подключены ({ $count })
}
main-phones-none-connected = { $count ->
    [2] Ни один из двух телефонов не подключён
   *[other] Ни один телефон не подключён
}
main-phones-some-connected = Подключено телефонов: { $online } из { $count }
main-phone-problem = { $phone } требует внимания: подробности ниже.
main-phones-problems = { $count ->
    [one] { $count } телефон требует внимания: подробности ниже.
    [few] { $count } телефона требуют внимания: подробности ниже.
   *[many] { $count } телефонов требуют внимания: подробности ниже.
}

## Вкладки

main-tabs = Разделы
main-tab-phone = Телефон
main-tab-recent = Недавние вызовы
main-missed-count = { $count ->
    [0] Нет пропущенных вызовов, ждущих ответа
    [one] { $count } пропущенный вызов ждёт ответа
    [few] { $count } пропущенных вызова ждут ответа
   *[many] { $count } пропущенных вызовов ждут ответа
}

## Вызовы

main-calls-title = Вызовы
main-call-line = Линия { $line }
main-call-phone-line = { $phone } · Линия { $line }
main-keys = Клавиши:
main-key-answer = ответить
main-key-reject = отклонить
main-key-hold = удержать
main-key-mute = микрофон
main-key-end = завершить
main-key-idle-answer = Входящих вызовов нет.
main-key-idle-reject = Входящих вызовов нет.
main-key-idle-hold = Нет вызова, который можно поставить на удержание.
main-key-idle-mute = Нет разговора, в котором можно выключить микрофон.
main-key-idle-end = Нет вызова, который можно завершить.
main-announce-caller = { $name }, { $number }
main-announce-ringing = Входящий вызов от абонента { $caller }. Нажмите A, чтобы ответить, R — чтобы отклонить.
main-announce-ringing-on = Входящий вызов от абонента { $caller } на телефон { $phone }. Нажмите A, чтобы ответить, R — чтобы отклонить.
main-announce-missed = Пропущенный вызов от абонента { $caller }.

## Телефоны и линии

main-lines-title = Линии
main-phones-title = Телефоны
# У АТС нет линий: вместо них показываются её вызовы.
main-phone-calls-title = Вызовы на { $phone }
main-phone-title = { $name } · { $kind }
main-line = Линия { $line }
main-line-conference = Конференция
main-lines-all-free = { $count ->
    [one] { $count } линия свободна
    [few] Все { $count } линии свободны
   *[many] Все { $count } линий свободны
}
main-line-free = Линия { $line } свободна
main-lines-free = Линии { $lines } и { $last } свободны
main-phone-waiting = Когда callpop подключится к { $phone }, здесь появятся его линии и вызовы.
main-no-phone = Телефон ещё не настроен. После настройки здесь появятся его линии и вызовы.
main-lines-unknown = Состояние линий неизвестно, пока callpop снова не подключится к телефону.
main-no-calls-now = Сейчас вызовов нет. Вызовы на этот телефон появятся здесь.
main-dnd = Не беспокоить
main-dnd-on-title = Режим «Не беспокоить» включён: вызовы на этот телефон не поступают. Нажмите, чтобы выключить.
main-dnd-off-title = Включить режим «Не беспокоить»: вызовы на этот телефон не будут поступать.

## Набор номера

main-dial-title = Позвонить
main-dial-placeholder = Введите или вставьте номер
main-dial-call = Позвонить
main-dial-call-title = Позвонить на этот номер (Enter)
main-dial-from = Звонить с
main-dial-phone-offline = { $phone } (не подключён)
main-dial-account = С учётной записи
main-dial-account-unregistered = { $account } (не зарегистрирована)
main-accounts-title = Учётные записи
main-account = Учётная запись { $account }
main-account-registered = Зарегистрирована
main-account-unregistered = Не зарегистрирована
main-account-unregistered-title = Эта учётная запись не зарегистрирована в телефонной системе: пока это так, с неё нельзя звонить и на неё не поступают вызовы.
main-dialpad = Номеронабиратель
main-pad-show = Показать номеронабиратель
main-pad-hide = Скрыть номеронабиратель
main-key-star = звёздочка
main-key-hash = решётка
main-dial-empty = Сначала введите или вставьте номер.
main-dial-calling-now = Вызов…
main-dial-calling = Вызов { $number }
main-pending-dial = Сейчас будет набран номер { $number }…
main-pending-others = В тексте есть и другие номера: { $numbers }. Отмените набор, если имели в виду один из них.
main-pending-cancel = Чтобы отменить, нажмите «Отмена» в уведомлении или выберите отмену в меню callpop в трее.

## Недавние вызовы

main-history-search-label = Поиск по недавним вызовам
main-history-search-placeholder = Имена, номера, заметки
main-history-filter = Показать
main-history-filter-all = Все
main-history-filter-missed = Пропущенные
main-history-filter-unresolved = Нужно перезвонить
main-history-more = Показать ещё
main-history-done-all = Отметить все как решённые
main-history-export = Экспорт в CSV
main-history-export-title = Сохранить вызовы из этого списка в файл таблицы (CSV)
main-history-exported = Сохранено в
main-history-error = Не удаётся показать недавние вызовы: { $message }
main-history-no-match = Нет вызовов по запросу «{ $text }».
main-history-empty-all = Вызовов пока нет. Здесь появятся ваши входящие и исходящие вызовы.
main-history-empty-missed = Пропущенных вызовов нет. Здесь появятся вызовы, на которые никто не ответил.
main-history-empty-unresolved = Делать ничего не нужно. Здесь появятся пропущенные вызовы, на которые вы ещё не перезвонили.
main-history-unknown-number = Номер неизвестен
main-history-new = Новый
main-history-todo = Перезвонить
main-history-called-back = Перезвонили
main-history-answered-later = Ответили позже
main-history-done = Решено
main-history-call = Позвонить
main-history-call-title = Позвонить на { $number }
main-history-copy = Копировать номер
main-history-copy-title = Скопировать { $number } в буфер обмена
main-history-copied = Номер { $number } скопирован в буфер обмена.
main-history-add-note = Добавить заметку
main-history-edit-note = Изменить заметку
main-history-note-label = Заметка о разговоре с абонентом { $who }
main-history-note-keys = Ctrl+Enter — сохранить, Esc — отменить
main-history-save-note = Сохранить заметку
main-history-cancel-note = Отмена
main-history-note-saved = Заметка сохранена.
main-history-note-removed = Заметка удалена.
main-history-mark-done = Решено
main-history-mark-done-title = По этому пропущенному вызову больше ничего делать не нужно
main-history-marked-done = { $count ->
    [one] { $count } пропущенный вызов отмечен как решённый.
    [few] { $count } пропущенных вызова отмечены как решённые.
   *[many] { $count } пропущенных вызовов отмечены как решённые.
}

## Чем закончился вызов (недавние вызовы)

main-outcome-ringing = Входящий вызов
main-outcome-calling = Исходящий вызов
main-outcome-active = Идёт разговор
main-outcome-incoming = Входящий
main-outcome-outgoing = Исходящий
main-outcome-answered = Отвечен
main-outcome-missed = Пропущен
main-outcome-rejected = Отклонён
main-outcome-busy = Занято
main-outcome-failed = Не удался
main-outcome-cancelled = Без ответа
main-outcome-answered-elsewhere = Отвечен на другом телефоне
# Next to a hotkey that cannot work: dials the selected or copied number.
main-dial-clipboard = Набрать из буфера обмена
