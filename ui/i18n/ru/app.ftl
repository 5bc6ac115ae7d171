# callpop, русский: app
# Слова, которые говорит сторона Rust: ошибки телефона и приложения, трей, уведомления,
# заголовки окон, неполадки, командная строка. Ошибка приходит как {kind, message, params};
# её текст — сообщение `error-<kind>` с этими параметрами.
# Неизвестное число приходит как текст "unknown", отсутствующая причина — как "none".
# Значения $function, $action, $reason, $excerpt, $message приходят от телефона или АТС
# на английском: так их называет код телефонной системы или сам телефон.

## Что случилось с телефоном (PhoneError, по kind)

error-passcode_rejected = { $tries_left ->
    [unknown] Телефон не принял код доступа. Проверьте его в настройках: пока вы его не измените, callpop не будет пробовать снова.
    [0] Телефон не принял код доступа (попыток до блокировки телефона не осталось). Проверьте его в настройках: пока вы его не измените, callpop не будет пробовать снова.
    [one] Телефон не принял код доступа (до блокировки телефона осталась { $tries_left } попытка). Проверьте его в настройках: пока вы его не измените, callpop не будет пробовать снова.
    [few] Телефон не принял код доступа (до блокировки телефона осталось { $tries_left } попытки). Проверьте его в настройках: пока вы его не измените, callpop не будет пробовать снова.
   *[many] Телефон не принял код доступа (до блокировки телефона осталось { $tries_left } попыток). Проверьте его в настройках: пока вы его не измените, callpop не будет пробовать снова.
}
error-locked_out = { $minutes ->
    [unknown] Телефон заблокировал удалённый доступ после слишком многих неверных кодов. callpop попробует ещё раз, когда блокировка закончится; если код доступа в настройках неверен, исправьте его сейчас.
    [one] Телефон заблокировал удалённый доступ на { $minutes } минуту после слишком многих неверных кодов. callpop попробует ещё раз, когда блокировка закончится; если код доступа в настройках неверен, исправьте его сейчас.
    [few] Телефон заблокировал удалённый доступ на { $minutes } минуты после слишком многих неверных кодов. callpop попробует ещё раз, когда блокировка закончится; если код доступа в настройках неверен, исправьте его сейчас.
   *[many] Телефон заблокировал удалённый доступ на { $minutes } минут после слишком многих неверных кодов. callpop попробует ещё раз, когда блокировка закончится; если код доступа в настройках неверен, исправьте его сейчас.
}
error-remote_control_denied = Телефон не разрешает удалённое управление с этого компьютера. На веб-странице телефона откройте Network > Remote Control, установите «Action URI Support» в Enabled и добавьте адрес этого компьютера в «Action URI Allowed IP List».
error-session_expired = Телефон завершил сеанс входа callpop. callpop войдёт снова сам; если это повторяется, проверьте имя пользователя и пароль в настройках.
error-not_supported = Телефон не поддерживает функцию { $function } (слишком старая прошивка или функция выключена).
error-command_refused = { $reason ->
    [none] Телефон отказался выполнить действие ({ $action }).
   *[other] Телефон отказался выполнить действие ({ $action }): { $reason }.
}
error-unreachable = Нет связи с телефоном по адресу { $host }: { $reason }. Проверьте, что телефон включён и адрес в настройках указан верно.
error-timeout = Телефон по адресу { $host } не ответил за { $seconds } с. Возможно, он занят или в режиме энергосбережения; callpop продолжает попытки.
error-certificate_unknown = Телефон по адресу { $host } предъявляет сертификат, который callpop ещё не видел (SHA-256 { $fingerprint }). Сравните его с сертификатом на веб-странице телефона и примите его в настройках.
error-certificate_changed = Телефон по адресу { $host } предъявляет не тот сертификат, который вы приняли (принятый { $expected }, сейчас { $actual }). Если телефон заменили или сменили ему ключ, примите новый сертификат в настройках; иначе кто-то может выдавать себя за телефон.
error-unexpected_answer = Телефон ответил на запрос { $function } непонятно для callpop ({ $excerpt }). Точно ли { $host } — адрес телефона?
error-bad_address = Адрес телефона «{ $address }» не подходит: { $reason }
error-account_unknown = На телефоне нет учётной записи { $account } (у него { $count ->
    [one] { $count } учётная запись
    [few] { $count } учётные записи
   *[many] { $count } учётных записей
}). Выберите другую учётную запись для звонка.
error-account_unregistered = Учётная запись { $account } «{ $name }» не зарегистрирована, поэтому сейчас с неё нельзя позвонить. Выберите другую учётную запись или проверьте её на телефоне.

## Почему callpop отказался или телефонная система не позволила (PhoneError с kind "refused":
## по сообщению на каждый kind Refusal, его называет params.refusal)
# $action — что просили сделать, как id (hang_up, set_forward...); $system — grandstream,
# asterisk, xivo или yealink. $reason — что ответил сервер (как есть) или "none".

refusal-no_call = Нет вызова, к которому это можно применить.
refusal-call_over = Этот вызов уже завершён.
refusal-call_over_on_pbx = Этот вызов на АТС уже завершён.
refusal-caller_hung_up = Звонящий положил трубку раньше, чем на вызов успели ответить.
refusal-not_ringing = Сейчас нет входящего вызова.
refusal-no_call_to_hang_up = Нет вызова, который можно завершить.
refusal-hold_needs_connected = На удержание можно поставить только вызов, в котором идёт разговор.
refusal-not_on_hold = Нет вызова на удержании.
refusal-mute_needs_connected = Микрофон можно выключить только во время разговора (без вызова клавиша выключения микрофона на телефоне включает режим «Не беспокоить»).
refusal-transfer_needs_call = Перевести можно только идущий вызов.
refusal-transfer_needs_answer = Перевести вызов можно только после ответа на него.
refusal-no_transfer_number = Нет номера, на который можно перевести вызов.
refusal-no_transfer_in_progress = Перевод не начат: сначала начните перевод с консультацией.
refusal-xivo_transfer_held = XiVO переводит тот вызов, в котором вы разговариваете: сначала снимите этот вызов с удержания, затем переведите его.
refusal-no_number = Нет номера, который можно набрать.
refusal-not_offered = callpop не может { $action ->
    [dial] набрать номер
    [answer] принять вызов
    [reject] отклонить вызов
    [hang_up] завершить вызов
    [hold] поставить вызов на удержание
    [resume] снять вызов с удержания
    [mute] выключить микрофон
    [unmute] включить микрофон
    [transfer] перевести вызов
    [consult_transfer] начать перевод с консультацией
    [complete_transfer] завершить перевод
    [cancel_transfer] отменить перевод
    [set_dnd] изменить режим «Не беспокоить»
   *[set_forward] изменить переадресацию вызовов
} { $system ->
    [asterisk] через эту АТС Asterisk
    [xivo] через эту АТС XiVO
    [yealink] на этом телефоне Yealink
   *[grandstream] на этом телефоне Grandstream
}.
refusal-no_account_choice = { $system ->
    [asterisk] АТС Asterisk
    [xivo] АТС XiVO
    [yealink] Телефон Yealink
   *[grandstream] Телефон Grandstream
} не умеет выбирать учётную запись для звонка: звонок всегда идёт с собственной линии.
refusal-asterisk_bad_number = { $action ->
    [transfer] На «{ $number }» нельзя перевести вызов
   *[dial] «{ $number }» нельзя набрать
} через Asterisk: используйте цифры, + * и #, не больше { $max } { $max ->
    [one] символа
   *[other] символов
}.
refusal-other_call_first = Телефон { $action ->
    [reject] отклонил бы другой вызов, а не тот,
    [hang_up] завершил бы другой вызов, а не тот,
    [hold] поставил бы на удержание другой вызов, а не тот,
   *[mute] выключил бы микрофон в другом вызове, а не в том,
} что на линии { $line }: он действует только на вызов, который показывает первым. { $action ->
    [reject] Отклоните вызов на телефоне или ответьте на него.
    [hang_up] Сначала снимите его с удержания (текущий разговор встанет на удержание), затем завершите.
    [hold] Нажмите на телефоне клавишу удержания (Hold).
   *[mute] Нажмите на телефоне клавишу выключения микрофона (Mute).
}
refusal-line_not_forward = Телефон не успел вывести вызов на линии { $line } на первый план, поэтому callpop не стал его завершать. Завершите его на телефоне.
refusal-click_to_dial_account = Телефон не принял номер { $number } через click-to-dial с учётной записи { $account }, а если нажимать цифры, он наберёт номер с учётной записи по умолчанию. Включите на телефоне «Click-To-Dial Feature» или звоните с учётной записи по умолчанию.
refusal-click_to_dial_in_call = Телефон не принял номер { $number } через click-to-dial, а если нажимать цифры сейчас, они уйдут в текущий разговор тональными сигналами. Наберите номер после этого разговора или включите на телефоне «Click-To-Dial Feature».
refusal-click_to_dial_not_typable = На телефоне выключен click-to-dial, а { $number } невозможно набрать на клавиатуре телефона. Включите на телефоне «Click-To-Dial Feature» или задайте международный префикс в правилах набора callpop.
refusal-which_ringing = Звонит ещё один вызов, а телефон не сообщил, какой из них какой. Воспользуйтесь клавишами телефона.
refusal-which_to_hang_up = На телефоне есть ещё один вызов, а телефон не сообщил, какой из них какой. Завершите вызов на телефоне.
refusal-which_to_hold = На телефоне есть ещё один вызов, а телефон не сообщил, какой из них какой. Нажмите на телефоне клавишу удержания (Hold).
refusal-yealink_not_allowed = Телефон по адресу { $host } не разрешает удалённое управление с этого компьютера. На веб-странице телефона откройте Features > Remote Control и добавьте адрес этого компьютера в «Action URI Allow IP List» (features.action_uri_limit_ip) или впишите туда any.
refusal-yealink_no_answer = Телефон по адресу { $host } принял запрос, но не ответил за { $seconds } с. Если на его экране вопрос «Allow remote control?», нажмите на телефоне OK (или задайте features.show_action_uri_option = 0, чтобы он больше не спрашивал); иначе он, возможно, занят, и callpop продолжает попытки.
refusal-other_party_unknown = callpop не может определить, какой канал на АТС принадлежит собеседнику в этом вызове, поэтому не может перевести вызов. Переведите его клавишами настольного телефона.
refusal-too_many_waiting = Слишком много запросов к АТС ждут ответа; попробуйте ещё раз чуть позже.
refusal-ami_login_in_use = Под учётной записью менеджера Asterisk «{ $username }» уже выполнен вход в другом месте, а АТС разрешает только один вход на учётную запись. Задайте для неё allowmultiplelogin = yes в manager.conf или заведите для callpop отдельную учётную запись. callpop продолжает попытки.
refusal-xivo_login_failed = Сервер XiVO по адресу { $host } сейчас не может выполнить вход пользователя { $username } (HTTP { $status }{ $reason ->
    [none] {""}
   *[other] , { $reason }
}). Это неполадка на сервере; callpop сам попробует снова.
refusal-xivo_session_refused = Сервер XiVO по адресу { $host } отказался открыть сеанс CTI для пользователя { $username }{ $reason ->
    [none] {""}
   *[other] {" "}({ $reason })
}. Проверьте на XiVO, что у этого пользователя есть линия и доступ к CTI; callpop сам попробует снова.
refusal-xivo_session_ended = Сервер XiVO завершил сеанс CTI callpop{ $reason ->
    [none] {""}
   *[other] {" "}({ $reason })
}; callpop сам подключится снова.
# Уже на языке пользователя (собственные отказы командной строки).
refusal-said = { $message }

## Ошибки самого приложения (команды и действия)

error-no_password = Для телефона { $phone } не сохранён пароль. Введите его в настройках.
error-call_over = Этот вызов уже завершён.
error-not_configured = Ни один телефон ещё не подключён. Настройте телефон в настройках.
error-phone_not_connected = Этот телефон не подключён.
error-no_history = Журнал вызовов недоступен (причина указана в главном окне).
error-no_passcode = Сначала введите пароль.
error-push_off = Ни один телефон ещё не присылает callpop оповещения о вызовах. Включите оповещения для этого телефона, сохраните и проверьте снова.
app-bad-action = «{ $action }» — такого действия с вызовом callpop не знает.
app-no-window = Окна «{ $name }» нет.
app-save-phone-first = Сначала сохраните телефон.
app-asterisk-no-certificate = callpop работает с Asterisk без сертификата.
app-export-no-folder = Нет папки, куда можно сохранить файл.
app-export-failed = Не удалось записать { $path }: { $reason }
app-clipboard-failed = Буфер обмена недоступен: { $reason }
app-no-settings-folder = Нет папки для настроек callpop.
app-contacts-not-saved = Не удалось сохранить { $path }: { $reason }

## Связка ключей

keyring-unavailable = Нет связки ключей для хранения кода доступа ({ $reason }). Установите и разблокируйте GNOME Keyring или KWallet (в Debian/Ubuntu: sudo apt install gnome-keyring, затем войдите в систему заново) или разрешите callpop хранить код доступа в памяти до выхода.
keyring-failed = { $action ->
    [open] Связка ключей не открылась: { $reason }
    [read] Связка ключей не выдала код доступа: { $reason }
    [store] Связка ключей не сохранила код доступа: { $reason }
   *[remove] Связка ключей не удалила код доступа: { $reason }
}
keyring-reason-no-service = служба связки ключей не запущена
keyring-reason-no-session = нет сеанса рабочего стола
keyring-reason-locked = связка ключей заблокирована или не настроена

## Номера, которые нельзя набрать (NumberError, по kind)

number-empty = Нечего набирать: текст не выделен
number-no_number = В «{ $excerpt }» не найден номер телефона
number-too_short = «{ $number }» — слишком короткий номер: не пропущена ли цифра или код города?
number-too_long = В «{ $number }» слишком много цифр для номера телефона
number-missing_area_code = Для «{ $number }» нужен код города: без него телефон не наберёт местный номер
number-invalid = «{ $number }» — неверный номер телефона: проверьте, нет ли лишней или пропущенной цифры
number-unknown_country_code = «{ $number }» не начинается с известного кода страны
number-not_a_number = «{ $address }» — это имя, а не номер: настольный телефон набирает только номера
number-disguised = «{ $excerpt }» может оказаться не тем номером, каким выглядит (скрытые знаки направления текста или цифры из разных алфавитов): введите номер вручную
number-unknown_country = «{ $country }» — неизвестная страна: укажите страну рабочего места двумя буквами, например RU, DE, GB или FR
number-bad_outside_line_prefix = Префикс выхода на город «{ $prefix }» может содержать не больше 4 цифр (или * и #), например 0 или 9
number-bad_international_prefix = Международный префикс «{ $prefix }» должен быть пустым (тогда используется принятый в стране), + или не длиннее 5 цифр, например 00 или 810

## Настройки, которые нельзя сохранить (SettingsError, по kind)

settings-invalid-in_phone = { $phone }: { $problem }
settings-invalid-poll_interval = Интервал опроса телефона должен быть от 250 мс до 60 секунд (сейчас { $ms } мс)
settings-invalid-connect_timeout = Время на подключение должно быть от 0,5 до 60 секунд (сейчас { $ms } мс)
settings-invalid-request_timeout = Время ожидания ответа должно быть от 1 до 120 секунд и не меньше времени на подключение (сейчас { $ms } мс)
settings-invalid-cert_fingerprint = Отпечаток принятого сертификата неверен: { $reason }
settings-invalid-username = Для входа нужно имя пользователя
settings-invalid-host = Имя сервера «{ $value }» не подходит: укажите имя хоста или IP-адрес, например pbx.example.com или 10.0.0.2
settings-invalid-port = Порт должен быть числом от 1 до 65535
settings-invalid-device = Устройство «{ $value }» не подходит: напишите его так, как его называет Asterisk, например PJSIP/201 или SIP/201
settings-invalid-context = Контекст диалплана должен быть одним словом, например from-internal
settings-invalid-phone_id = «{ $id }» не годится как идентификатор телефона: используйте буквы, цифры, - и _
settings-invalid-duplicate_phone = Два телефона называются «{ $id }»
settings-invalid-too_many_phones = { $max ->
    [one] callpop следит не больше чем за { $max } телефоном
   *[other] callpop следит не больше чем за { $max } телефонами
}
settings-invalid-hotkey = Сочетание клавиш для набора не задано: выберите, например, Ctrl+Alt+D
settings-invalid-language = Язык «{ $value }» не подходит: выберите auto, en или ru
settings-invalid-push_listen = Адрес приёма оповещений «{ $value }» должен состоять из IP-адреса и порта, например 0.0.0.0:8787
settings-invalid-push_token = { $min ->
    [one] Токен оповещений должен содержать не меньше { $min } символа: буквы, цифры, - и _
   *[other] Токен оповещений должен содержать не меньше { $min } символов: буквы, цифры, - и _
}
settings-invalid-newer_version = Этот файл настроек записан более новой версией callpop (формат { $found }); обновите callpop, чтобы использовать его
settings-invalid-write = Не удалось сохранить настройки в { $path }: { $reason }
settings-invalid-encode = Не удалось записать настройки: { $reason }

## Оповещения от телефона (по code)

push-waiting = Ждём первое оповещение от телефона; пока телефон опрашивается каждые { $seconds } с.
push-healthy = Телефон сообщает о вызовах сразу; callpop сверяется с ним каждые { $seconds } с.
# $reason — законченное предложение (на английском) о том, почему оповещения не доходят.
push-silent = { $reason } Вместо этого callpop опрашивает телефон каждые { $seconds } с.
push-unannounced = Телефон сообщил об изменении вызова, о котором не было оповещения: проверьте Action URL в телефоне. Пока телефон опрашивается каждые { $seconds } с.

## Неполадки самого приложения (главное окно)

problem-settings-file = Файл настроек не удалось использовать ({ $reason }). Он сохранён как { $path }, а callpop запущен с настройками по умолчанию.
problem-tray-failed = Не удалось создать значок в трее: { $reason }
problem-tray-missing = Не удалось создать значок в трее: нет библиотеки системного трея (установите libayatana-appindicator3-1).
problem-hotkey-invalid = Сочетание клавиш «{ $hotkey }» не распознано ({ $reason }). Напишите его в настройках, например, так: Ctrl+Alt+D.
problem-hotkey-taken = Не удалось назначить сочетание клавиш { $hotkey } ({ $reason }). Возможно, его использует другая программа или рабочий стол не разрешает глобальные сочетания (Wayland). Выберите другое в настройках; пункт «Набрать из буфера обмена» в меню трея по-прежнему работает.
problem-hotkey-no-portal = В этом рабочем столе (Wayland) callpop не может использовать сочетание клавиш: рабочий стол не предоставляет службу глобальных сочетаний. Чтобы набрать выделенный или скопированный номер, выберите «Набрать из буфера обмена» в меню трея.
problem-hotkey-declined = Сочетание клавиш для набора { $hotkey } отклонено в диалоге рабочего стола, поэтому набор с клавиатуры не работает. Чтобы получить запрос снова, перезапустите callpop или выберите другое сочетание в настройках; а пока пункт «Набрать из буфера обмена» в меню трея набирает выделенный или скопированный номер.
problem-hotkey-portal-failed = Рабочий стол не смог назначить сочетание клавиш для набора { $hotkey } ({ $reason }). Выберите «Набрать из буфера обмена» в меню трея, чтобы набрать выделенный или скопированный номер.
hotkey-desktop-ended = рабочий стол отменил сочетание клавиш
hotkey-desktop-no-answer = служба сочетаний клавиш рабочего стола не ответила
hotkey-desktop-bad-answer = служба сочетаний клавиш рабочего стола дала непонятный ответ
hotkey-desktop-description = Набрать выделенный или скопированный номер телефона
hotkey-desktop-waiting = Рабочий стол просит подтвердить сочетание клавиш для набора { $hotkey }: ответьте в его диалоге.
hotkey-desktop-bound = Сочетание клавиш для набора: { $trigger } (назначено через рабочий стол)
hotkey-desktop-bound-no-keys = Сочетание клавиш для набора зарегистрировано в рабочем столе, но клавиши ещё не назначены: выберите их в настройках сочетаний клавиш рабочего стола.
problem-history-unavailable = Журнал вызовов недоступен: { $reason }
problem-history-write = Этот вызов не удалось записать в журнал: { $reason }
problem-contacts-unreadable = Не удалось прочитать настройки контактов: { $reason }
problem-contacts-broken = Настройки контактов не удалось использовать ({ $reason }). Они сохранены как { $path }, поиск имён звонящих выключен.
problem-lookup-off = Поиск имён звонящих выключен: { $reason }
problem-lookup-no-folder = нет папки для хранения контактов
problem-autostart = Не удалось изменить запуск при входе в систему: { $reason }

## Подключение к телефону в одну строку (трей, заголовок)

conn-online = Телефон подключён
conn-connecting = Подключение к телефону…
conn-not-configured = Телефон ещё не настроен: откройте настройки
conn-stopped = callpop не следит за телефоном

## Первая строка меню трея: что происходит сейчас

headline-ringing = Входящий вызов: { $who }
headline-in-call = Разговор: { $who }
headline-in-call-muted = Разговор: { $who } (микрофон выключен)
headline-calling = Исходящий вызов: { $who }
headline-on-hold = На удержании: { $who }
headline-who-on-phone = { $who } ({ $phone })
headline-phones-connected = { $count ->
    [one] { $count } телефон подключён
    [few] { $count } телефона подключены
   *[many] { $count } телефонов подключены
}
headline-phones-some-connected = Подключено телефонов: { $online } из { $count }. { $phone }: { $problem }

## Меню трея

tray-cancel-dial = Отменить набор { $number }
tray-missed = { $count ->
    [one] { $count } пропущенный вызов
    [few] { $count } пропущенных вызова
   *[many] { $count } пропущенных вызовов
}
tray-dial-clipboard = Набрать из буфера обмена
tray-dnd-turn-on = Включить «Не беспокоить»
tray-dnd-turn-off = Выключить «Не беспокоить»
tray-dnd-turn-on-phone = Включить «Не беспокоить» ({ $phone })
tray-dnd-turn-off-phone = Выключить «Не беспокоить» ({ $phone })
tray-open = Открыть callpop
tray-settings = Настройки…
tray-quit = Выйти

## Уведомления

notify-line = Линия { $line }
notify-account = Учётная запись { $account }
notify-missed-from = Пропущенный вызов: { $caller }
notify-call-answered = Вызов принят
notify-cancel = Отмена

## Набор номера по сочетанию клавиш, из трея или по ссылке

dial-nothing-title = Нечего набирать
dial-clipboard-empty = Буфер обмена и выделение пусты.
dial-clipboard-no-number = В буфере обмена и выделении нет номера телефона.
dial-no-number = Нет номера, который можно набрать.
dial-title = Набор номера { $number }
dial-body = { $seconds ->
    [one] callpop наберёт { $dial } через { $seconds } секунду. Отменить можно в этом уведомлении или в меню трея.
    [few] callpop наберёт { $dial } через { $seconds } секунды. Отменить можно в этом уведомлении или в меню трея.
   *[many] callpop наберёт { $dial } через { $seconds } секунд. Отменить можно в этом уведомлении или в меню трея.
}
dial-body-others = { $seconds ->
    [one] callpop наберёт { $dial } через { $seconds } секунду. Отменить можно в этом уведомлении или в меню трея. В выделенном тексте есть и другие номера: { $others }. Отмените набор, чтобы позвонить на один из них.
    [few] callpop наберёт { $dial } через { $seconds } секунды. Отменить можно в этом уведомлении или в меню трея. В выделенном тексте есть и другие номера: { $others }. Отмените набор, чтобы позвонить на один из них.
   *[many] callpop наберёт { $dial } через { $seconds } секунд. Отменить можно в этом уведомлении или в меню трея. В выделенном тексте есть и другие номера: { $others }. Отмените набор, чтобы позвонить на один из них.
}
dial-no-phone = Не удаётся набрать номер: ни один телефон не подключён. Проверьте настройки.
dial-cancelled = Набор отменён

## Заголовки окон

window-main = callpop
window-call = Вызов

## Командная строка (текстовый вывод; вывод --json и справка --help остаются на английском)

cli-cannot-start = не удаётся запуститься: { $reason }
cli-accept-certificate = чтобы принять его, запустите команду снова с --cert-sha256 { $fingerprint }
cli-no-phone = Телефон не настроен. Укажите его через --phone http://АДРЕС-ТЕЛЕФОНА или в настройках приложения.
cli-unknown-phone = В настройках нет телефона «{ $phone }». Список выводит `callpop phones`.
cli-no-passcode = Для телефона { $phone } не сохранён пароль. Сохраните его в настройках приложения или задайте переменную окружения { $env }.
cli-settings-unusable = Файл настроек нельзя использовать ({ $reason }). Откройте приложение, чтобы увидеть и исправить ошибку; эта команда ничего не меняет.
cli-no-phones = Ни один телефон не настроен.
cli-answered = Вызов принят.
cli-rejected = Вызов отклонён.
cli-hung-up = Вызов завершён.
cli-resumed = Вызов снят с удержания.
cli-held = Вызов на удержании.
cli-muted = Микрофон выключен.
cli-unmuted = Микрофон включён.
cli-transferred = Вызов переведён на { $number }.
cli-dnd-on = Режим «Не беспокоить» включён.
cli-dnd-off = Режим «Не беспокоить» выключен.
cli-forward-off = Переадресация выключена.
cli-forwarded = Вызовы переадресуются на { $number }.
cli-dialing = { $method ->
    [click_to_dial] Набираем { $number } ({ $dial }, через click-to-dial).
    [keypad] Набираем { $number } ({ $dial }, нажатием клавиш телефона).
   *[pbx] Набираем { $number } ({ $dial }, через АТС).
}
cli-account-no-choice = { $phone }: здесь нельзя выбрать учётную запись для звонка — звонки идут с вашей линии.
cli-account-unknown = На телефоне нет учётной записи «{ $account }». Его учётные записи: { $accounts }.
cli-watcher-stopped = Наблюдение за телефоном остановлено.
cli-reboot-grandstream-only = callpop умеет перезапускать только телефоны Grandstream, а { $phone } — это { $kind }.
cli-reboot-busy = На линии { $line } идёт разговор, перезапуск его прервёт. Чтобы всё равно перезапустить, добавьте --force.
cli-restarting = Телефон перезапускается; это займёт около минуты.
cli-events-dropped = { $count ->
    [one] { $count } событие пропущено (вывод не успевает)
    [few] { $count } события пропущено (вывод не успевает)
   *[many] { $count } событий пропущено (вывод не успевает)
}
cli-next-try = { $message } (следующая попытка через { $seconds } с)
cli-back-online = телефон снова на связи
cli-no-push-token = в настройках нет токена оповещений; в этот раз используется { $token }
cli-no-push = { $kind } не присылает события callpop.
cli-listening = ждём оповещения на { $address }; задайте в телефоне эти Action URL (Settings > Outbound Notification > Action URL):
cli-cannot-print = не удаётся вывести событие: { $reason }
# `callpop status`: «Телефон 10.0.0.5: занят», затем строка на каждую линию.
cli-status-phone = Телефон { $label }: { $summary }
cli-summary-available = свободен
cli-summary-busy = занят
cli-summary-ringing = входящий вызов
cli-status-line = Линия
cli-status-account = Учётная запись { $account }
cli-account-registered = зарегистрирована
cli-account-unregistered = не зарегистрирована
cli-line-idle = свободна
cli-line-ringing = звонит
cli-line-calling = вызывает
cli-line-dialing = набор
cli-line-connected = разговор
cli-line-onhold = удержание
cli-line-failed = ошибка
cli-unknown-caller = (неизвестный абонент)
cli-note-account = учётная запись { $account }
cli-note-active = активна
# `callpop watch`: строка на каждое событие вызова.
cli-event-line = линия
cli-event-call = вызов
cli-event-unknown = (неизвестно)
cli-event-ringing = звонит
cli-event-dialing = набор
cli-event-connected = разговор
cli-event-held = удержание
cli-event-resumed = снят
cli-event-ended = завершён
cli-event-missed = пропущен
