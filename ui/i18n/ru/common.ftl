# callpop, русский: common
# Слова, которые нужны всем окнам: состояния вызова, действия, состояния подключения.

## Приложение не запущено (страница открыта в обычном браузере)

common-no-app-title = callpop здесь не запущен
common-no-app = Эта страница — часть приложения callpop и работает только внутри него. Запустите callpop и откройте это окно через значок в трее.
common-error-unknown = Что-то пошло не так, и callpop не сообщил, что именно.
common-error-close-window = Не удалось закрыть это окно: { $message }
common-dismiss = Скрыть

## Длительность, время

# Длительность для экранного диктора, через пробел: «2 минуты 5 секунд».
common-duration-hours = { $count ->
    [one] { $count } час
    [few] { $count } часа
   *[many] { $count } часов
}
common-duration-minutes = { $count ->
    [one] { $count } минута
    [few] { $count } минуты
   *[many] { $count } минут
}
common-duration-seconds = { $count ->
    [one] { $count } секунда
    [few] { $count } секунды
   *[many] { $count } секунд
}
common-yesterday = Вчера
common-retry-now = Пробуем снова…
common-retry-in = { $minutes ->
    [0] Новая попытка через { $seconds } с
   *[other] Новая попытка через { $minutes } мин { $seconds } с
}

## Вызовы

common-unknown-caller = Неизвестный абонент
common-incoming-call = Входящий вызов
common-muted = Микрофон выключен
common-phase-ringing = Входящий вызов
common-phase-dialing = Исходящий вызов
common-phase-connected = Разговор
common-phase-held = На удержании
common-call-controls = Управление вызовом
common-call-info = О вызове

## Состояния линий, как их сообщает телефон

common-line-idle = Свободна
common-line-ringing = Входящий вызов
common-line-calling = Вызов абонента
common-line-dialing = Набор номера
common-line-connected = Разговор
common-line-onhold = На удержании
common-line-failed = Вызов не удался

## Подключение к телефону

common-connection-connecting = Подключение…
common-connection-online = Подключено
common-connection-offline = Телефон недоступен
common-connection-needs-attention = Требует внимания
common-connection-stopped = Остановлено
common-connection-not-configured = Ещё не настроено

## Кнопки вызова (надпись и подсказка с клавишей)

common-action-answer = Ответить
common-action-answer-title = Ответить на вызов (клавиша A)
common-action-reject = Отклонить
common-action-reject-title = Отклонить вызов (клавиша R)
common-action-hold = Удержать
common-action-hold-title = Поставить вызов на удержание (клавиша H)
common-action-resume = Продолжить
common-action-resume-title = Снять вызов с удержания (клавиша H)
common-action-mute = Выкл. микрофон
common-action-mute-title = Выключить микрофон (клавиша M)
common-action-unmute = Вкл. микрофон
common-action-unmute-title = Снова включить микрофон (клавиша M)
common-action-hang-up = Завершить
common-action-hang-up-title = Завершить вызов (клавиша E)
common-action-show-transfer = Перевести…
common-action-show-transfer-title = Перевести вызов на другой номер
common-action-complete-transfer = Завершить перевод
common-action-complete-transfer-title = Соединить звонящего с тем, с кем вы советовались, и выйти из разговора
common-action-cancel-transfer = Отменить перевод
common-action-cancel-transfer-title = Прервать перевод и вернуться к звонящему

## Перевод вызова (прямо в окне)

common-transfer-form = Перевод вызова
common-transfer-to = Перевести на
common-transfer-placeholder = Номер или внутренний номер
common-transfer-empty = Введите номер, на который перевести вызов.
# Сразу передать вызов.
common-action-transfer = Перевести
# Сначала поговорить с тем, кому переводите, потом завершить перевод.
common-action-consult-transfer = С консультацией
common-action-hide-transfer = Отмена

## Карточка контакта в CRM

common-open-crm = Открыть в CRM
common-open-crm-title = Открыть { $link } в браузере
