# callpop, русский: call
# Маленькое окно вызова.

call-window-title = callpop
call-loading = Загрузка…
call-title = { $state }: { $who }
call-no-app = Работает не внутри callpop
call-no-app-title = Нет вызовов
call-no-app-text = Запустите callpop, чтобы видеть здесь вызовы.
call-no-updates = Это окно не будет обновляться само: { $message }
call-cannot-read = Не удаётся прочитать данные вызова
call-none = Нет вызова
call-none-now = Сейчас вызовов нет
call-on-phone = На телефоне { $phone }

## Цветная полоса: что происходит с вызовом (и линия, если у телефона есть линии)

call-band-ringing = Входящий вызов
call-band-ringing-line = Входящий вызов · Линия { $line }
call-band-dialing = Вызов…
call-band-dialing-line = Вызов… · Линия { $line }
call-band-connected = Разговор
call-band-connected-line = Разговор · Линия { $line }
call-band-held = НА УДЕРЖАНИИ
call-band-held-line = НА УДЕРЖАНИИ · Линия { $line }
call-band-other = Вызов
call-band-other-line = Вызов · Линия { $line }
# Когда телефонов несколько: «Входящий вызов · Линия 1 · Приёмная».
call-band-on-phone = { $state } · { $phone }

## Чем закончился вызов

call-outcome-answered = Вызов завершён
call-outcome-missed = Пропущенный вызов
call-outcome-rejected = Отклонён
call-outcome-cancelled = Вызов отменён
call-outcome-failed = Вызов не удался
call-outcome-answered-elsewhere = Отвечен на другом телефоне
call-outcome-lost = Связь с телефоном потеряна
call-lasted = Длительность: { $duration }
call-lost-note = callpop не может определить, чем закончился этот вызов.
call-close = Закрыть
call-close-title = Закрыть это окно

## Другие вызовы на том же телефоне, под вызовом самого окна

# Их заголовок.
call-others-title = { $count ->
    [one] Ещё { $count } вызов на этом телефоне
    [few] Ещё { $count } вызова на этом телефоне
   *[many] Ещё { $count } вызовов на этом телефоне
}
call-row-line = Линия { $line }
# Что экранный диктор говорит, входя в строку: на чей вызов действуют её кнопки.
call-row-label-line = { $who }, линия { $line }: { $state }
call-row-label = { $who }: { $state }
