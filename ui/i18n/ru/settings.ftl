# callpop, русский: settings

settings-window-title = Настройки callpop
settings-heading = Настройки
settings-load-failed = Не удаётся загрузить настройки: { $message }
settings-file-location = Файл настроек: { $path }

## Короткие слова для многих полей

settings-show = Показать
settings-hide = Скрыть
settings-copy = Копировать
settings-copy-all = Копировать всё
settings-unit-seconds = с
settings-insert-placeholder = Вставить { $placeholder }: { $description }
settings-insert-placeholder-group = Вставить подстановку

## Телефоны

settings-phones-heading = Телефоны
settings-phones-empty = Ни один телефон не настроен. Выберите ниже телефон или АТС и добавьте его.
settings-phone-add-first = Добавить телефон или АТС
settings-phone-add-another = Добавить ещё телефон или АТС
settings-phone-add = Добавить
settings-phone-added = Добавлено в конец списка: { $kind }.
settings-kind-grandstream = Телефон Grandstream
settings-kind-asterisk = АТС Asterisk
settings-kind-xivo = АТС XiVO
settings-kind-yealink = Телефон Yealink
settings-phone-title-single = { $kind ->
    [asterisk] АТС
    [xivo] АТС
   *[other] Настольный телефон
}
settings-phone-title-new = Новый телефон
settings-phone-kind = Телефонная система
settings-phone-kind-hint = С чем работает callpop: с самим настольным телефоном или с АТС, к которой он подключён.
settings-phone-unknown-kind = Эта версия callpop не умеет настраивать телефон типа «{ $kind }». Он остаётся без изменений.
settings-phone-name = Название (необязательно)
settings-phone-name-hint = Например, «Приёмная». Показывается в трее и у вызовов, если телефонов несколько. Если оставить пустым, будет показан адрес.
settings-phone-remove = Удалить этот телефон
settings-phone-remove-confirm-stored = Удалить «{ $name }»? Сохранённый пароль тоже будет удалён, когда вы сохраните настройки.
settings-phone-remove-confirm = Удалить «{ $name }»? Он будет удалён, когда вы сохраните настройки.
settings-phone-remove-confirm-new = Удалить «{ $name }»? Всё, что вы для него ввели, пропадёт.
settings-phone-remove-yes = Удалить
settings-phone-remove-no = Оставить
settings-phone-removed-saved = «{ $name }» убран из списка. Сохраните, чтобы удалить его окончательно, или нажмите «Отмена», чтобы оставить.
settings-phone-removed = «{ $name }» убран из списка.

## Пароли телефонов и адресных книг

settings-password-label = { $secret ->
    [passcode] Код доступа
    [token] Токен доступа
   *[password] Пароль
}
settings-password-stored = { $secret ->
    [passcode] Код доступа хранится в связке ключей. Оставьте поле пустым, чтобы сохранить его, или введите новый.
    [token] Токен хранится в связке ключей. Оставьте поле пустым, чтобы сохранить его, или введите новый.
   *[password] Пароль хранится в связке ключей. Оставьте поле пустым, чтобы сохранить его, или введите новый.
}
settings-password-in-memory = { $secret ->
    [passcode] Код доступа хранится в памяти до выхода из callpop. Оставьте поле пустым, чтобы сохранить его, или введите новый.
   *[password] Пароль хранится в памяти до выхода из callpop. Оставьте поле пустым, чтобы сохранить его, или введите новый.
}
settings-password-missing-grandstream-passcode = Код доступа ещё не сохранён. Введите тот, с которым входите на веб-страницу телефона.
settings-password-missing-grandstream-session = Пароль ещё не сохранён. Введите тот, с которым входите на веб-страницу телефона.
settings-password-missing-asterisk = Пароль ещё не сохранён. Введите secret учётной записи callpop из manager.conf.
settings-password-missing-xivo = Пароль ещё не сохранён. Введите свой пароль XiVO.
settings-password-missing-yealink = Пароль ещё не сохранён. Введите пароль веб-страницы телефона.
settings-source-password-missing = { $secret ->
    [token] Токен ещё не сохранён. Оставьте поле пустым, если сервису он не нужен.
   *[password] Пароль ещё не сохранён. Оставьте поле пустым, если сервису он не нужен.
}
settings-source-password-unknown = { $secret ->
    [token] Если токен уже сохранён, оставьте поле пустым, чтобы сохранить его. После смены адреса введите токен снова.
   *[password] Если пароль уже сохранён, оставьте поле пустым, чтобы сохранить его. После смены адреса или имени пользователя введите пароль снова.
}

## Grandstream

settings-gs-address = Адрес телефона
settings-gs-address-hint = Адрес веб-страницы телефона, например https://192.168.1.50
settings-gs-login = Как callpop входит в телефон
settings-gs-login-passcode = Код доступа
settings-gs-login-session = Имя пользователя и пароль (новые прошивки)
settings-gs-username = Имя пользователя
settings-gs-poll = Опрашивать телефон каждые
settings-gs-poll-hint = От 0,25 до 60 секунд. Чем чаще, тем быстрее появляются вызовы.
settings-gs-account = Звонить с
settings-gs-account-hint = Учётная запись, с которой идут звонки, если при наборе не выбрана другая. Список появится, когда callpop свяжется с телефоном.
settings-gs-account-default = Учётная запись телефона по умолчанию

## Asterisk

settings-ast-host = Адрес АТС
settings-ast-host-hint = Имя хоста или IP-адрес сервера Asterisk, например pbx.example.com или 10.0.0.2
settings-ast-port = Порт
settings-ast-port-hint = Порт AMI из manager.conf, обычно 5038.
settings-ast-username = Имя пользователя для callpop
settings-ast-username-hint = Учётная запись, которую вы добавили для callpop в manager.conf, например [callpop].
settings-ast-md5 = Входить без передачи пароля по сети
settings-ast-md5-hint = Рекомендуется. Выключайте, только если Asterisk отклоняет вход (MD5 challenge).
settings-ast-device = Ваш настольный телефон в Asterisk
settings-ast-device-hint = Устройство телефона так, как его называет Asterisk, например PJSIP/201 или SIP/201. callpop показывает вызовы на этом устройстве.
settings-ast-context = Исходящие вызовы идут через
settings-ast-context-hint = Контекст диалплана для вызовов, которые вы начинаете из callpop, обычно from-internal.
settings-ast-auto-answer = Снимать трубку настольного телефона автоматически, когда я звоню из callpop
settings-ast-auto-answer-hint = Большинство телефонов это поддерживают. Если выключено, сначала зазвонит настольный телефон, и вы снимете трубку.

## XiVO

settings-xivo-url = Адрес сервера XiVO
settings-xivo-url-hint = Адрес CTI-сервера XiVO (xuc), например https://xivo.example.com
settings-xivo-username = Ваше имя пользователя XiVO
settings-xivo-username-hint = То же, что для веб-ассистента XiVO.

## Yealink

settings-yl-address = Адрес телефона
settings-yl-address-hint = Адрес веб-страницы телефона, например https://192.168.1.60
settings-yl-username = Имя пользователя веб-страницы телефона
settings-yl-username-hint = admin, если его не меняли.
settings-yl-outgoing = Звонить с учётной записи
settings-yl-outgoing-hint = Как её называет телефон, например 1001@pbx.example.com. Оставьте пустым, чтобы использовать учётную запись телефона по умолчанию.
settings-yl-poll = Проверять связь с телефоном каждые
settings-yl-poll-hint = От 0,25 до 60 секунд. Вызовы приходят через оповещения о вызовах; проверка лишь замечает, что телефон пропал.

## Время ожидания

settings-timeouts-summary = Время ожидания (для медленных телефонов и сетей)
settings-connect-timeout = Прекращать попытку подключения через
settings-connect-timeout-hint = От 0,5 до 60 секунд.
settings-request-timeout = Прекращать ожидание ответа через
settings-request-timeout-hint = От 1 до 120 секунд, но не меньше времени на подключение. Трубкам Wi-Fi в режиме энергосбережения может понадобиться несколько секунд.

## Сертификаты

settings-cert-current = Принятый сертификат (SHA-256)
settings-cert-forget = Забыть
settings-cert-forget-hint = callpop спросит снова при следующем подключении.
settings-cert-unsaved = Принят на этой странице. Сохранится вместе с настройками.
settings-cert-fingerprint = Отпечаток сертификата (SHA-256)
settings-cert-before = Принятый ранее
settings-cert-now = Телефон сейчас показывает
settings-cert-compare = Прежде чем принять, сравните его с отпечатком на веб-странице самого телефона.
settings-cert-accept = Принять этот сертификат
settings-cert-accept-new = Принять новый сертификат

## Инструкция по настройке и проверка подключения

settings-setup-help = { $kind ->
    [asterisk] Как настроить Asterisk для callpop
    [xivo] Как настроить XiVO для callpop
   *[other] Как настроить телефон для callpop
}
settings-test-connection = Проверить подключение
settings-test-connection-hint = Проверяет то, что введено здесь, без сохранения.
settings-test-contacting = Связываемся с телефоном…
settings-test-connected = { $lines ->
    [one] Подключено к { $model }: { $lines } линия.
    [few] Подключено к { $model }: { $lines } линии.
   *[many] Подключено к { $model }: { $lines } линий.
}

## First-run checklist (settings/checklist.js)

settings-checklist-title = Настройте телефон для callpop
settings-checklist-intro = На веб-странице телефона (откройте его адрес в браузере и войдите как admin) выставьте каждый пункт ниже и сохраните там. Затем нажмите «Проверить подключение»: пункт становится зелёным, когда проверка это подтверждает.
settings-checklist-ip-label = IP-адрес этого компьютера, каким его видит телефон
settings-checklist-ip-hint = Впишите его в список Action URI Allowed IP List на телефоне.
settings-checklist-ip-missing = Введите адрес телефона выше: callpop покажет адрес, с которого этот компьютер обращается к телефону.
settings-checklist-ip-unknown = адрес этого компьютера
settings-checklist-ip-copied = Адрес скопирован.
settings-checklist-copy-ip = Скопировать IP-адрес этого компьютера
settings-checklist-status-untested = Ещё не проверено
settings-checklist-status-ok = Готово
settings-checklist-status-failing = Нужно исправить
settings-checklist-status-unknown = Проверьте на телефоне
settings-checklist-action_uri = Action URI Support: Enabled
settings-checklist-action_uri-where = Network → Remote Control.
settings-checklist-allowed_ip = Action URI Allowed IP List: { $ip }
settings-checklist-allowed_ip-where = Network → Remote Control. Добавьте { $ip } в список (несколько адресов — через запятую) или впишите any.
settings-checklist-popup_off = Remote Control Pop up Window Support: Disabled
settings-checklist-popup_off-where = Network → Remote Control. Иначе телефон спрашивает на своём экране, прежде чем выполнить команду callpop.
settings-checklist-click_to_dial = Click-To-Dial Feature: Enabled
settings-checklist-click_to_dial-where = Обычно Settings → Call Features (P-значение 1561). Позволяет callpop набирать номер напрямую; без этого callpop нажимает цифровые клавиши, а это медленнее.
settings-checklist-action_url = Action URL: строки оповещений о вызовах (по желанию)
settings-checklist-action_url-where = Settings → Outbound Notification → Action URL. Для мгновенных оповещений; callpop работает и без них.
settings-checklist-found-answered = Подтверждено: телефон выполнил запрос callpop.
settings-checklist-found-held = Подтверждено: телефон принял запрос callpop (и держит его, пока не ответят на вопрос на его экране).
settings-checklist-found-refused-uri = Телефон отказал этому компьютеру. Поставьте Action URI Support в Enabled и сохраните на телефоне. Если так уже стоит, не хватает адреса в списке ниже.
settings-checklist-found-refused-ip = Телефон отказал этому компьютеру. Добавьте { $ip } в список (или впишите any) и сохраните на телефоне. Если адрес уже там, выключен Action URI Support выше.
settings-checklist-found-waiting = Веб-страница телефона отвечает, а на запрос callpop ответа нет: скорее всего, телефон спрашивает на своём экране, разрешить ли удалённое управление. Разрешите на телефоне и поставьте здесь Disabled.
settings-checklist-found-not-reached = Пока не проверено: запрос callpop не дошёл до этого шага (см. сообщение ниже).
settings-checklist-cannot-popup = Отсюда не проверить: это видно только по действию на телефоне, а проверка ничего не делает с телефоном. Убедитесь на телефоне, что стоит Disabled.
settings-checklist-cannot-dial = Отсюда не проверить: это видно только по звонку, а проверка никогда не звонит. Убедитесь на телефоне, что стоит Enabled.
settings-checklist-found-test-alerts = Вставьте строки из раздела «Мгновенные оповещения о вызовах» ниже, сохраните и нажмите «Проверить оповещения».
settings-checklist-alerts-ok = Подтверждено: оповещение о вызове от телефона дошло до callpop.
settings-checklist-alerts-failing = Оповещение о вызове не пришло: { $message }
settings-checklist-yealink-ip-hint = Впишите его в список Action URI Allow IP List на телефоне.
settings-checklist-yealink-allowed_ip = Action URI Allow IP List: { $ip }
settings-checklist-yealink-allowed_ip-where = Features → Remote Control (features.action_uri_limit_ip). Добавьте { $ip } в список или впишите any.
settings-checklist-yealink-popup_off = На вопрос «Allow remote control?» ответили на телефоне
settings-checklist-yealink-popup_off-where = В первый раз телефон спрашивает на своём экране: нажмите там OK (или задайте features.show_action_uri_option = 0, чтобы он не спрашивал).
settings-checklist-yealink-action_url = Action URL: строки оповещений о вызовах
settings-checklist-yealink-action_url-where = Features → Action URL. Yealink сообщает callpop о вызовах только так.
settings-checklist-yealink-found-refused-ip = Телефон отказал этому компьютеру. Добавьте { $ip } в список (или впишите any) и сохраните на телефоне.
settings-checklist-yealink-found-waiting = Телефон принял запрос callpop, но не ответил: скорее всего, он спрашивает «Allow remote control?» на своём экране. Нажмите там OK и проверьте снова.

## Оповещения о вызовах (Action URL)

settings-push-heading = Мгновенные оповещения о вызовах
settings-push-toggle = Телефон сообщает callpop о вызовах в момент их появления
settings-push-toggle-hint = Без этого callpop видит вызов при следующем опросе телефона.
settings-push-yealink-intro = Телефоны Yealink сообщают callpop о вызовах только так.
settings-push-where-grandstream = На веб-странице телефона откройте Settings > Outbound Notification > Action URL и вставьте каждую строку в поле с тем же названием.
settings-push-where-yealink = На веб-странице телефона откройте Features > Action URL и вставьте каждую строку в поле с тем же названием.
settings-push-lines-summary = { $count ->
    [one] { $count } строка для вставки в телефон
    [few] { $count } строки для вставки в телефон
   *[many] { $count } строк для вставки в телефон
}
settings-push-no-lines = Введите адрес телефона и сохраните: здесь появятся строки для вставки в телефон.
settings-push-no-lines-saved = Эта версия callpop пока не может показать строки для этого телефона.
settings-copy-line = Копировать строку «{ $label }»
settings-copy-all-lines = Копировать все строки
settings-push-copied = Скопировано. Вставьте это на веб-странице телефона.
settings-push-copy-failed = Не удалось скопировать. Выделите текст и скопируйте его клавишами Ctrl+C.
settings-push-test = Проверить оповещения
settings-push-test-hint = Затем в течение минуты позвоните на настольный телефон или снимите трубку и наберите номер.
settings-push-test-save-first = Сначала сохраните, потом проверяйте.
settings-push-waiting = Ждём телефон… В течение минуты позвоните на настольный телефон или снимите трубку и наберите номер.
settings-push-works = Телефон достучался до callpop: оповещения о вызовах работают.
settings-alerts-legend = Оповещения о вызовах от телефонов
settings-alerts-listen = Принимать оповещения на этот адрес и порт
settings-alerts-listen-hint = 0.0.0.0 — принимать их во всех сетях этого компьютера. Меняйте порт, только если его занимает другая программа, и затем снова вставьте строки в телефоны.

## Набор номера

settings-dialing-legend = Набор номера
settings-country = Страна рабочего места
settings-country-option = { $name } ({ $code })
settings-country-other = Другая…
settings-country-other-placeholder = Две буквы, например SE
settings-country-other-label = Код страны (две буквы)
settings-outside-prefix = Префикс выхода на город
settings-outside-prefix-placeholder = нет
settings-outside-prefix-hint = Набирается перед внешними номерами, часто 0 или 9. Оставьте пустым, если не нужен.
settings-intl-prefix = Международный префикс
settings-intl-prefix-placeholder = принятый в стране (00, а в Северной Америке 011)
settings-intl-prefix-hint = Оставьте пустым, чтобы использовать принятый в стране. Введите +, если ваша АТС его понимает.
settings-dial-sample = Проверить номер

## Имена звонящих (источники контактов)

settings-sources-legend = Имена звонящих
settings-sources-intro = callpop может найти имя звонящего по номеру в ваших адресных книгах. Окно вызова открывается сразу и не ждёт поиска: найденное имя появляется, как только оно получено.
settings-sources-order = Если номер есть в нескольких источниках, побеждает тот, что выше в списке.
settings-sources-empty = Адресная книга не настроена: callpop показывает имя, которое сообщает телефон.
settings-source-add-label = Добавить источник имён
settings-source-add = Добавить
settings-source-added = Добавлено в конец списка: { $kind }.
settings-source-file = Файл контактов
settings-source-carddav = Онлайн-адресная книга
settings-source-ldap = Корпоративный справочник
settings-source-crm = Поиск в CRM
settings-source-named = { $kind } { $name }
settings-source-enabled = Искать имена здесь
settings-source-up = Выше
settings-source-down = Ниже
settings-source-up-label = Переместить { $name } выше
settings-source-down-label = Переместить { $name } ниже
settings-source-order = Порядок: { $name }
settings-source-moved = { $name } теперь на { $position }-м месте из { $count }.
settings-source-remove = Удалить
settings-source-remove-confirm = Удалить { $name } из списка? После сохранения callpop перестанет искать там имена.
settings-source-remove-yes = Удалить
settings-source-remove-no = Оставить
settings-source-removed = { $name } убран из списка.
settings-source-unknown = Эта версия callpop не умеет настраивать источник типа «{ $kind }». Он остаётся без изменений.

settings-file-intro = Имена из файла vCard или CSV, например экспорта из Outlook, Google Контактов или телефона. callpop перечитывает файл при каждом его изменении.
settings-file-path = Файл
settings-file-path-hint = Полный путь к файлу. Подойдёт и простой список: имя и номер в каждой строке.
settings-file-path-placeholder = /home/anna/contacts.vcf
settings-file-format = Тип файла
settings-file-format-auto = Определить по имени файла
settings-file-format-vcard = vCard (.vcf)
settings-file-format-csv = CSV (значения через запятую)

settings-carddav-intro = Имена из онлайн-адресной книги, например Nextcloud, iCloud или SOGo (CardDAV). callpop хранит копию на этом компьютере и обновляет её каждые несколько минут, поэтому имена появляются сразу.
settings-carddav-url = Адрес адресной книги
settings-carddav-url-hint = Веб-адрес самой адресной книги, как его показывает ваш провайдер для CardDAV.
settings-carddav-username = Имя пользователя
settings-carddav-username-hint = Оставьте пустым, если адресная книга не требует входа.
settings-carddav-name = Название для показа
settings-carddav-name-hint = Показывается как источник имени звонящего. Если оставить пустым, будет использована последняя часть адреса.

settings-ldap-intro = Имена из корпоративного справочника или Active Directory (LDAP); поиск идёт, пока звонит телефон.
settings-ldap-url = Сервер справочника
settings-ldap-url-hint = Например, ldaps://dc1.example.com или ldap://dc1.example.com внутри офисной сети.
settings-ldap-starttls = Шифровать подключение ldap:// (StartTLS)
settings-ldap-starttls-hint = Не нужно для адресов ldaps://: они шифруются всегда.
settings-ldap-base = Где искать
settings-ldap-base-hint = Где в справочнике находятся сотрудники, например ou=people,dc=example,dc=com
settings-ldap-bind = Входить как
settings-ldap-bind-hint = Например, cn=reader,dc=example,dc=com или reader@corp.example.com для Active Directory. Оставьте пустым, чтобы искать без входа.
settings-ldap-attributes = Какие поля читать
settings-ldap-phone-attrs = Поля с номерами телефонов
settings-ldap-phone-attrs-hint = Через запятую.
settings-ldap-name-attrs = Поля с именем
settings-ldap-name-attrs-hint = Проверяются по порядку, через запятую.
settings-ldap-org-attrs = Поля с названием организации
settings-ldap-org-attrs-hint = Проверяются по порядку, через запятую. Оставьте пустым, если не нужно.
settings-ldap-filter = Дополнительный фильтр
settings-ldap-filter-hint = Его пишет администратор, например (objectClass=person). Оставьте пустым, если не нужен.

settings-lookup-intro = Имена из вашей CRM; поиск идёт, пока звонит телефон. CRM отвечает в формате JSON, callpop берёт из ответа имя.
settings-lookup-url = Адрес для поиска
settings-lookup-url-hint = Веб-адрес, к которому обращается callpop. Эти подстановки заменяются номером звонящего (нажмите, чтобы вставить):
settings-lookup-placeholder-e164 = В международном формате, например +74951234567
settings-lookup-placeholder-e164-digits = Международный номер без +, например 74951234567
settings-lookup-placeholder-national = Как набирают внутри страны, например 84951234567
settings-lookup-placeholder-number = Номер, как его показал телефон
settings-lookup-auth = Вход
settings-lookup-auth-none = Без входа
settings-lookup-auth-bearer = С токеном доступа
settings-lookup-auth-basic = С именем пользователя и паролем
settings-lookup-username = Имя пользователя
settings-lookup-name = Где в ответе имя
settings-lookup-name-hint = Указатель JSON, например /name или /results/0/displayName
settings-lookup-more = Другие поля из ответа
settings-lookup-org = Где название организации
settings-lookup-link = Где ссылка на запись
settings-lookup-id = Где идентификатор записи
settings-lookup-id-hint = Сохраняется в журнале вызовов. Оставьте пустым, если не нужно.
settings-lookup-optional-hint = Оставьте пустым, если не нужно.

## Открытие карточки в CRM

settings-crm-legend = Карточки клиентов (CRM)
settings-crm-when = Открывать карточку звонящего
settings-crm-when-off = Никогда
settings-crm-when-ring = При входящем вызове
settings-crm-when-answer = Когда я отвечаю
settings-crm-template = Открываемый веб-адрес
settings-crm-template-hint = Эти подстановки заменяются данными звонящего (нажмите, чтобы вставить):
settings-crm-placeholder-number = Номер, как его сообщил телефон
settings-crm-placeholder-e164 = В международном формате, например +74951234567
settings-crm-placeholder-digits = Только цифры, например 74951234567
settings-crm-placeholder-national = Как набирают внутри страны, например 84951234567
settings-crm-placeholder-name = Имя звонящего, если оно известно

## Клавиатура, язык и запуск

settings-keyboard-legend = Клавиатура, язык и запуск
settings-hotkey = Сочетание клавиш для звонка на выделенный номер
settings-hotkey-hint = Введите его, например Ctrl+Alt+D, или нажмите клавиши одновременно здесь.
settings-start-at-login = Запускать callpop при входе в систему
settings-language = Язык
settings-language-hint = На этом языке callpop говорит в окнах, в трее, в уведомлениях и в командной строке.
settings-language-auto = Как в системе
settings-language-en = English
settings-language-ru = Русский

## Хранение паролей

settings-keyring-legend = Хранение паролей
settings-keyring-fine = Пароли хранятся в системной связке ключей, а не в файле настроек.
settings-keyring-missing = Нет связки ключей, где можно хранить пароли.
settings-keyring-keep-in-memory = Хранить пароли в памяти до выхода из callpop
settings-keyring-keep-in-memory-hint = Иначе callpop не сможет использовать введённый здесь пароль. На диск он не записывается ни в каком случае.

## Сохранение и отмена

settings-save = Сохранить
settings-cancel = Отмена
settings-close = Закрыть
settings-saving = Сохранение…
settings-saved = Сохранено.
settings-save-fix = { $count ->
    [one] Исправьте отмеченное поле.
    [few] Исправьте { $count } отмеченных поля.
   *[many] Исправьте { $count } отмеченных полей.
}
settings-save-refused = Не сохранено: { $message }
settings-save-failed = Не удалось сохранить: { $message }
settings-save-password-failed = Настройки сохранены, а пароль — нет: { $message }
settings-save-contact-passwords-dropped = { $count ->
    [one] Настройки сохранены, но эта версия callpop пока не умеет хранить пароль адресной книги.
   *[other] Настройки сохранены, но эта версия callpop пока не умеет хранить пароли адресных книг ({ $count }).
}

## Ошибки, найденные до сохранения

settings-error-address-missing = Введите адрес, например { $example }
settings-error-address-invalid = callpop не может использовать такой адрес. Напишите его, например, так: { $example }
settings-error-address-scheme = Адрес должен начинаться с http:// или https://, например { $example }
settings-error-address-login = Имя пользователя и пароль вводите в отдельные поля, а не в адрес.
settings-error-address-query = Введите только адрес, без того, что идёт после «?». Пароль вводите в отдельное поле.
settings-error-host-missing = Введите имя хоста или IP-адрес АТС, например pbx.example.com
settings-error-host-invalid = Укажите только имя хоста или IP-адрес, например pbx.example.com или 10.0.0.2, без http:// и без порта.
settings-error-port = Введите номер порта от 1 до 65535.
settings-error-seconds = Введите число секунд от { $min } до { $max }.
settings-error-request-timeout = Это время не может быть меньше времени на подключение.
settings-error-user-missing = Введите имя пользователя.
settings-error-user-invalid = Имя пользователя должно быть в одну строку, без табуляций.
settings-error-device = Напишите устройство так, как его называет Asterisk, например PJSIP/201 или SIP/201.
settings-error-context = Введите одно слово, например from-internal.
settings-error-listen = Введите IP-адрес и порт, например 0.0.0.0:8787
settings-error-hotkey = Выберите сочетание клавиш, например Ctrl+Alt+D.
settings-error-country = Введите страну двумя буквами, например SE.
settings-error-template-missing = Введите веб-адрес, например https://crm.example.com/search?phone=...
settings-error-template-scheme = Веб-адрес должен начинаться с http:// или https://
settings-error-template-unclosed = У «{"{"}» нет закрывающей «{"}"}».
settings-error-template-unopened = У «{"}"}» нет открывающей «{"{"}».
settings-error-template-unknown = callpop не знает подстановку { $placeholder }. Используйте { $known }.
settings-error-web-missing = Введите веб-адрес, например { $example }
settings-error-web-invalid = Веб-адрес должен начинаться с http:// или https://, например { $example }
settings-error-ldap-missing = Введите сервер справочника, например ldaps://dc1.example.com
settings-error-ldap-invalid = Адрес должен начинаться с ldap:// или ldaps://, например ldaps://dc1.example.com
settings-error-ldap-base = Укажите, где искать, например ou=people,dc=example,dc=com
settings-error-ldap-phone-attrs = Укажите хотя бы одно поле с номерами телефонов, например telephoneNumber.
settings-error-ldap-name-attrs = Укажите хотя бы одно поле с именем, например displayName.
settings-error-ldap-filter = Фильтр пишется в скобках, например (objectClass=person).
settings-error-pointer-missing = Укажите, где имя, например /name
settings-error-pointer-invalid = Указатель должен начинаться с /, например /name или /results/0/displayName
settings-error-file-missing = Введите полный путь к файлу, например /home/anna/contacts.vcf
settings-error-file-relative = Введите полный путь, начиная с /, например /home/anna/contacts.vcf
