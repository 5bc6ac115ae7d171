# callpop, English: settings

settings-window-title = callpop settings
settings-heading = Settings
settings-load-failed = Cannot load the settings: { $message }
settings-file-location = Settings file: { $path }

## Small words used by many fields

settings-show = Show
settings-hide = Hide
settings-copy = Copy
settings-copy-all = Copy all
settings-unit-seconds = seconds
settings-insert-placeholder = Insert { $placeholder }: { $description }
settings-insert-placeholder-group = Insert a placeholder

## Phones

settings-phones-heading = Phones
settings-phones-empty = No phone is set up. Choose the phone or phone system below and add it.
settings-phone-add-first = Add a phone or phone system
settings-phone-add-another = Add another phone or phone system
settings-phone-add = Add
settings-phone-added = Added at the end of the list: { $kind }.
settings-kind-grandstream = Grandstream phone
settings-kind-asterisk = Asterisk PBX
settings-kind-xivo = XiVO PBX
settings-kind-yealink = Yealink phone
settings-phone-title-single = { $kind ->
    [asterisk] Phone system
    [xivo] Phone system
   *[other] Desk phone
}
settings-phone-title-new = New phone
settings-phone-kind = Phone system
settings-phone-kind-hint = What callpop talks to: the desk phone itself, or the phone system (PBX) it is connected to.
settings-phone-unknown-kind = This callpop does not know how to set up a “{ $kind }” phone here. It is kept as it is.
settings-phone-name = Name (optional)
settings-phone-name-hint = Like Front desk. Shown in the tray and on calls when you have more than one phone. Leave empty to use its address.
settings-phone-remove = Remove this phone
settings-phone-remove-confirm-stored = Remove “{ $name }”? Its stored password is deleted too when you save.
settings-phone-remove-confirm = Remove “{ $name }”? It is removed when you save.
settings-phone-remove-confirm-new = Remove “{ $name }”? What you typed for it is lost.
settings-phone-remove-yes = Remove
settings-phone-remove-no = Keep it
settings-phone-removed-saved = “{ $name }” was taken off the list. Save to remove it for good, or Cancel to keep it.
settings-phone-removed = “{ $name }” was taken off the list.

## Passwords of phones and address books

settings-password-label = { $secret ->
    [passcode] Passcode
    [token] Access token
   *[password] Password
}
settings-password-stored = { $secret ->
    [passcode] A passcode is stored in the keyring. Leave this empty to keep it, or type a new one.
    [token] A token is stored in the keyring. Leave this empty to keep it, or type a new one.
   *[password] A password is stored in the keyring. Leave this empty to keep it, or type a new one.
}
settings-password-in-memory = { $secret ->
    [passcode] A passcode is kept in memory until you quit. Leave this empty to keep it, or type a new one.
   *[password] A password is kept in memory until you quit. Leave this empty to keep it, or type a new one.
}
settings-password-missing-grandstream-passcode = No passcode is stored yet. Enter the one you use on the phone's web page.
settings-password-missing-grandstream-session = No password is stored yet. Enter the one you use to log in to the phone's web page.
settings-password-missing-asterisk = No password is stored yet. Enter the secret of callpop's account in manager.conf.
settings-password-missing-xivo = No password is stored yet. Enter your XiVO password.
settings-password-missing-yealink = No password is stored yet. Enter the password of the phone's web page.
settings-source-password-missing = { $secret ->
    [token] No token is stored yet. Leave this empty if the service needs none.
   *[password] No password is stored yet. Leave this empty if the service needs none.
}
settings-source-password-unknown = { $secret ->
    [token] If a token is stored, leave this empty to keep it. After changing the address, enter the token again.
   *[password] If a password is stored, leave this empty to keep it. After changing the address or user name, enter the password again.
}

## Grandstream

settings-gs-address = Phone address
settings-gs-address-hint = The address of the phone's web page, like https://192.168.1.50
settings-gs-login = How callpop signs in
settings-gs-login-passcode = Passcode
settings-gs-login-session = User name and password (newer firmware)
settings-gs-username = User name
settings-gs-poll = Check the phone every
settings-gs-poll-hint = From 0.25 to 60 seconds. Shorter shows calls sooner.
settings-gs-account = Call out from
settings-gs-account-hint = The account dials go out from, unless you choose another when dialing. The list fills in once callpop has reached the phone.
settings-gs-account-default = The phone's default account

## Asterisk

settings-ast-host = PBX address
settings-ast-host-hint = The host name or IP address of the Asterisk server, like pbx.example.com or 10.0.0.2
settings-ast-port = Port
settings-ast-port-hint = The manager port in manager.conf, usually 5038.
settings-ast-username = User name for callpop
settings-ast-username-hint = The account you added for callpop in manager.conf, like [callpop].
settings-ast-md5 = Sign in without sending the password over the network
settings-ast-md5-hint = Recommended. Turn it off only if your Asterisk refuses the login (MD5 challenge).
settings-ast-device = Your desk phone in Asterisk
settings-ast-device-hint = The phone's device as Asterisk names it, like PJSIP/201 or SIP/201. Calls on it are the ones callpop shows.
settings-ast-context = Calls you dial go out through
settings-ast-context-hint = The dialplan context for calls you start from callpop, usually from-internal.
settings-ast-auto-answer = Pick up the desk phone by itself when I dial from callpop
settings-ast-auto-answer-hint = Most phones honour this. When it is off, the desk phone rings first and you pick it up.

## XiVO

settings-xivo-url = XiVO server address
settings-xivo-url-hint = The address of the XiVO CTI server (xuc), like https://xivo.example.com
settings-xivo-username = Your XiVO user name
settings-xivo-username-hint = The one you use for the XiVO web assistant.

## Yealink

settings-yl-address = Phone address
settings-yl-address-hint = The address of the phone's web page, like https://192.168.1.60
settings-yl-username = User name of the phone's web page
settings-yl-username-hint = admin, unless it was changed.
settings-yl-outgoing = Call out from this account
settings-yl-outgoing-hint = As the phone names it, like 1001@pbx.example.com. Leave empty for the phone's default account.
settings-yl-poll = Check that the phone is there every
settings-yl-poll-hint = From 0.25 to 60 seconds. Calls arrive by call alerts; this only notices a phone that went away.

## Waiting times

settings-timeouts-summary = Waiting times (for slow phones or networks)
settings-connect-timeout = Give up connecting after
settings-connect-timeout-hint = From 0.5 to 60 seconds.
settings-request-timeout = Give up waiting for an answer after
settings-request-timeout-hint = From 1 to 120 seconds, and not shorter than the time to connect. Wi-Fi handsets in power save can take several seconds.

## Certificates

settings-cert-current = Accepted certificate (SHA-256)
settings-cert-forget = Forget it
settings-cert-forget-hint = callpop asks again the next time it connects.
settings-cert-unsaved = Accepted on this page. It is kept when you save.
settings-cert-fingerprint = Certificate fingerprint (SHA-256)
settings-cert-before = Accepted before
settings-cert-now = The phone shows now
settings-cert-compare = Compare it with the fingerprint on the phone's own web page before you accept it.
settings-cert-accept = Accept this certificate
settings-cert-accept-new = Accept the new certificate

## Setup help and Test connection

settings-setup-help = { $kind ->
    [asterisk] How to set up Asterisk for callpop
    [xivo] How to set up XiVO for callpop
   *[other] How to set up your phone for callpop
}
settings-test-connection = Test connection
settings-test-connection-hint = Uses what is typed here, without saving.
settings-test-contacting = Contacting the phone…
settings-test-connected = { $lines ->
    [one] Connected to { $model }: 1 line.
   *[other] Connected to { $model }: { $lines } lines.
}

## First-run checklist (settings/checklist.js)

settings-checklist-title = Set up the phone for callpop
settings-checklist-intro = On the phone's web page (open its address in a browser and log in as admin), set each item below and save there. Then press Test connection: each item turns green when the test proves it.
settings-checklist-ip-label = This computer's IP address, as the phone sees it
settings-checklist-ip-hint = Enter it in the phone's Action URI Allowed IP List.
settings-checklist-ip-missing = Enter the phone's address above: callpop then shows the address this computer reaches it from.
settings-checklist-ip-unknown = this computer's address
settings-checklist-ip-copied = Address copied.
settings-checklist-copy-ip = Copy this computer's IP address
settings-checklist-status-untested = Not tested yet
settings-checklist-status-ok = Done
settings-checklist-status-failing = Fix this
settings-checklist-status-unknown = Check on the phone
settings-checklist-action_uri = Action URI Support: Enabled
settings-checklist-action_uri-where = Network → Remote Control.
settings-checklist-allowed_ip = Action URI Allowed IP List: { $ip }
settings-checklist-allowed_ip-where = Network → Remote Control. Add { $ip } to the list (separate several addresses with commas), or enter any.
settings-checklist-popup_off = Remote Control Pop up Window Support: Disabled
settings-checklist-popup_off-where = Network → Remote Control. Otherwise the phone asks on its own screen before it obeys callpop.
settings-checklist-click_to_dial = Click-To-Dial Feature: Enabled
settings-checklist-click_to_dial-where = Usually Settings → Call Features (P-value 1561). Lets callpop dial a number directly; without it callpop presses the digit keys, which is slower.
settings-checklist-action_url = Action URL: the call alert lines (optional)
settings-checklist-action_url-where = Settings → Outbound Notification → Action URL. For instant pop-ups; callpop also works without them.
settings-checklist-found-answered = Proven: the phone carried out callpop's request.
settings-checklist-found-held = Proven: the phone accepted callpop's request (and holds it until its on-screen question is answered).
settings-checklist-found-refused-uri = The phone refused this computer. Set Action URI Support to Enabled and save on the phone. If it already is, the allowed IP list below is what is missing.
settings-checklist-found-refused-ip = The phone refused this computer. Add { $ip } to the list (or enter any) and save on the phone. If it is already there, Action URI Support above is off.
settings-checklist-found-waiting = The phone's web page answers, but callpop's request got no answer: the phone is probably asking on its own screen whether to allow remote control. Press Allow on the phone, and set this to Disabled.
settings-checklist-found-not-reached = Not checked yet: callpop's request did not get this far (see the message below).
settings-checklist-cannot-popup = Can't check from here: only an action on the phone would show it, and a test never acts. Make sure it is Disabled on the phone.
settings-checklist-cannot-dial = Can't check from here: only placing a call would show it, and a test never calls. Make sure it is Enabled on the phone.
settings-checklist-found-test-alerts = Paste the lines under “Instant call alerts” below, save, then press Test call alerts.
settings-checklist-alerts-ok = Proven: a call alert from the phone reached callpop.
settings-checklist-alerts-failing = No call alert arrived: { $message }
settings-checklist-yealink-ip-hint = Enter it in the phone's Action URI Allow IP List.
settings-checklist-yealink-allowed_ip = Action URI Allow IP List: { $ip }
settings-checklist-yealink-allowed_ip-where = Features → Remote Control (features.action_uri_limit_ip). Add { $ip } to the list, or enter any.
settings-checklist-yealink-popup_off = “Allow remote control?” answered on the phone
settings-checklist-yealink-popup_off-where = The first time, the phone asks on its screen: press OK there (or set features.show_action_uri_option = 0 so it never asks).
settings-checklist-yealink-action_url = Action URL: the call alert lines
settings-checklist-yealink-action_url-where = Features → Action URL. A Yealink tells callpop about calls only this way.
settings-checklist-yealink-found-refused-ip = The phone refused this computer. Add { $ip } to the list (or enter any) and save on the phone.
settings-checklist-yealink-found-waiting = The phone took callpop's request but did not answer: it is probably asking “Allow remote control?” on its screen. Press OK there, then test again.

## Call alerts (Action URL)

settings-push-heading = Instant call alerts
settings-push-toggle = Let the phone tell callpop about calls the moment they happen
settings-push-toggle-hint = Without this, callpop sees a call at its next check of the phone.
settings-push-yealink-intro = Yealink phones tell callpop about calls only this way.
settings-push-where-grandstream = On the phone's web page, open Settings > Outbound Notification > Action URL and paste each line into the field of the same name.
settings-push-where-yealink = On the phone's web page, open Features > Action URL and paste each line into the field of the same name.
settings-push-lines-summary = { $count ->
    [one] The line to paste into the phone
   *[other] The { $count } lines to paste into the phone
}
settings-push-no-lines = Enter the phone's address and save: the lines to paste into the phone then appear here.
settings-push-no-lines-saved = This version of callpop cannot show the lines to paste for this phone yet.
settings-copy-line = Copy the “{ $label }” line
settings-copy-all-lines = Copy all the lines
settings-push-copied = Copied. Paste it into the phone's web page.
settings-push-copy-failed = Could not copy. Select the text and copy it with Ctrl+C.
settings-push-test = Test call alerts
settings-push-test-hint = Then call your desk phone, or lift its handset and dial, within a minute.
settings-push-test-save-first = Save first, then test.
settings-push-waiting = Waiting for the phone… Call your desk phone, or lift its handset and dial, within a minute.
settings-push-works = The phone reached callpop: call alerts work.
settings-alerts-legend = Call alerts from phones
settings-alerts-listen = Receive call alerts on this address and port
settings-alerts-listen-hint = 0.0.0.0 receives them on every network of this computer. Change the port only if another program uses it, then paste the lines into the phones again.

## Dialing

settings-dialing-legend = Dialing
settings-country = Country of this desk
settings-country-option = { $name } ({ $code })
settings-country-other = Other…
settings-country-other-placeholder = Two letters, like SE
settings-country-other-label = Country code (two letters)
settings-outside-prefix = Outside line prefix
settings-outside-prefix-placeholder = none
settings-outside-prefix-hint = Dialled before outside numbers, often 0 or 9. Leave empty if not needed.
settings-intl-prefix = International prefix
settings-intl-prefix-placeholder = the country's own (00, or 011 in North America)
settings-intl-prefix-hint = Leave empty to use the country's own. Enter + if your phone system accepts it.
settings-dial-sample = Try a number

## Caller names (contact sources)

settings-sources-legend = Caller names
settings-sources-intro = callpop can put a name to a caller's number from your address books. The call window opens at once and never waits for them: a name that is found is filled in as soon as it arrives.
settings-sources-order = When more than one knows the number, the one higher in the list wins.
settings-sources-empty = No address book is set up: callpop shows the name the phone gives.
settings-source-add-label = Add a place to find names
settings-source-add = Add
settings-source-added = Added at the end of the list: { $kind }.
settings-source-file = Contacts file
settings-source-carddav = Online address book
settings-source-ldap = Company directory
settings-source-crm = CRM lookup
settings-source-named = { $kind } { $name }
settings-source-enabled = Look up names here
settings-source-up = Up
settings-source-down = Down
settings-source-up-label = Move { $name } up
settings-source-down-label = Move { $name } down
settings-source-order = Order of { $name }
settings-source-moved = { $name } is now number { $position } of { $count }.
settings-source-remove = Remove
settings-source-remove-confirm = Remove { $name } from the list? callpop stops looking up names there when you save.
settings-source-remove-yes = Remove
settings-source-remove-no = Keep it
settings-source-removed = { $name } was taken off the list.
settings-source-unknown = This callpop does not know how to set up a “{ $kind }” source here. It is kept as it is.

settings-file-intro = Names from a vCard or CSV file, such as an export from Outlook, Google Contacts or a phone. callpop reads it again whenever it changes.
settings-file-path = File
settings-file-path-hint = The full path of the file. A simple list with a name and a number on each line works too.
settings-file-path-placeholder = /home/ann/contacts.vcf
settings-file-format = Type of file
settings-file-format-auto = Decide from the file name
settings-file-format-vcard = vCard (.vcf)
settings-file-format-csv = CSV (comma-separated)

settings-carddav-intro = Names from an online address book such as Nextcloud, iCloud or SOGo (CardDAV). callpop keeps a copy on this computer and updates it every few minutes, so names show at once.
settings-carddav-url = Address book address
settings-carddav-url-hint = The web address of the address book itself, as your provider shows it for CardDAV.
settings-carddav-username = User name
settings-carddav-username-hint = Leave empty if the address book needs no login.
settings-carddav-name = Name shown for it
settings-carddav-name-hint = Shown as where a caller's name came from. Leave empty to use the last part of the address.

settings-ldap-intro = Names from your company directory or Active Directory (LDAP), asked while the phone rings.
settings-ldap-url = Directory server
settings-ldap-url-hint = Like ldaps://dc1.example.com, or ldap://dc1.example.com inside the office network.
settings-ldap-starttls = Encrypt an ldap:// connection (StartTLS)
settings-ldap-starttls-hint = Not needed for ldaps:// addresses, which are always encrypted.
settings-ldap-base = Search in
settings-ldap-base-hint = Where the people are in the directory, like ou=people,dc=example,dc=com
settings-ldap-bind = Sign in as
settings-ldap-bind-hint = Like cn=reader,dc=example,dc=com, or reader@corp.example.com for Active Directory. Leave empty to search without signing in.
settings-ldap-attributes = Which fields to read
settings-ldap-phone-attrs = Fields with phone numbers
settings-ldap-phone-attrs-hint = Separated by commas.
settings-ldap-name-attrs = Fields with the name
settings-ldap-name-attrs-hint = Tried in this order, separated by commas.
settings-ldap-org-attrs = Fields with the company
settings-ldap-org-attrs-hint = Tried in this order, separated by commas. Leave empty for none.
settings-ldap-filter = Extra filter
settings-ldap-filter-hint = Written by your administrator, like (objectClass=person). Leave empty for none.

settings-lookup-intro = Names from your CRM, asked while the phone rings. The CRM answers with JSON; callpop reads the name from it.
settings-lookup-url = Lookup address
settings-lookup-url-hint = The web address callpop asks. These are replaced with the caller's number (click to insert):
settings-lookup-placeholder-e164 = International form, like +4930123456
settings-lookup-placeholder-e164-digits = International digits without +, like 4930123456
settings-lookup-placeholder-national = As dialled inside its own country, like 030123456
settings-lookup-placeholder-number = The number as the phone showed it
settings-lookup-auth = Sign in
settings-lookup-auth-none = No sign-in
settings-lookup-auth-bearer = With an access token
settings-lookup-auth-basic = With a user name and password
settings-lookup-username = User name
settings-lookup-name = Where the name is in the answer
settings-lookup-name-hint = A JSON pointer, like /name or /results/0/displayName
settings-lookup-more = More fields from the answer
settings-lookup-org = Where the company is
settings-lookup-link = Where the link to the record is
settings-lookup-id = Where the record's id is
settings-lookup-id-hint = Kept in the call history. Leave empty for none.
settings-lookup-optional-hint = Leave empty for none.

## CRM screen pop

settings-crm-legend = Customer records (CRM)
settings-crm-when = Open the caller's record
settings-crm-when-off = Off
settings-crm-when-ring = When it rings
settings-crm-when-answer = When I answer
settings-crm-template = Web address to open
settings-crm-template-hint = These are replaced with the caller's details (click to insert):
settings-crm-placeholder-number = The number as the phone reported it
settings-crm-placeholder-e164 = International form, like +14165550123
settings-crm-placeholder-digits = Digits only, like 14165550123
settings-crm-placeholder-national = As dialled inside its own country, like 4165550123
settings-crm-placeholder-name = The caller's name, if it is known

## Keyboard, language and start

settings-keyboard-legend = Keyboard, language and start
settings-hotkey = Hotkey to call the selected number
settings-hotkey-hint = Type it, like Ctrl+Alt+D, or press the keys together here.
settings-start-at-login = Start callpop when I log in
settings-language = Language
settings-language-hint = The language callpop speaks in its windows, the tray, notifications and the command line.
settings-language-auto = As the system
settings-language-en = English
settings-language-ru = Русский

## Password storage

settings-keyring-legend = Password storage
settings-keyring-fine = Passwords are kept in the system keyring, never in the settings file.
settings-keyring-missing = No keyring is available to store passwords.
settings-keyring-keep-in-memory = Keep passwords in memory until I quit
settings-keyring-keep-in-memory-hint = Otherwise callpop cannot use a password you type here. It is never written to disk either way.

## Save and cancel

settings-save = Save
settings-cancel = Cancel
settings-close = Close
settings-saving = Saving…
settings-saved = Saved.
settings-save-fix = { $count ->
    [one] Please correct the marked field.
   *[other] Please correct the { $count } marked fields.
}
settings-save-refused = Not saved: { $message }
settings-save-failed = Could not save: { $message }
settings-save-password-failed = The settings were saved, but a password was not: { $message }
settings-save-contact-passwords-dropped = { $count ->
    [one] The settings were saved, but this version of callpop cannot store the address book password yet.
   *[other] The settings were saved, but this version of callpop cannot store the { $count } address book passwords yet.
}

## Problems found before saving

settings-error-address-missing = Enter the address, like { $example }
settings-error-address-invalid = This is not an address callpop can use. Write it like { $example }
settings-error-address-scheme = The address must start with http:// or https://, like { $example }
settings-error-address-login = Put the user name and password in their own fields, not in the address.
settings-error-address-query = Enter just the address, without anything after a “?”. Put the password in its own field.
settings-error-host-missing = Enter the PBX's host name or IP address, like pbx.example.com
settings-error-host-invalid = Use a host name or an IP address only, like pbx.example.com or 10.0.0.2, without http:// or a port.
settings-error-port = Enter a port number from 1 to 65535.
settings-error-seconds = Enter a number of seconds from { $min } to { $max }.
settings-error-request-timeout = This must not be shorter than the time to connect.
settings-error-user-missing = Enter the user name.
settings-error-user-invalid = The user name must be on one line, without tabs.
settings-error-device = Write the device the way Asterisk names it, like PJSIP/201 or SIP/201.
settings-error-context = Enter one word, like from-internal.
settings-error-listen = Enter an IP address and a port, like 0.0.0.0:8787
settings-error-hotkey = Choose a key combination, like Ctrl+Alt+D.
settings-error-country = Enter the country as two letters, like SE.
settings-error-template-missing = Enter the web address, like https://crm.example.com/search?phone=...
settings-error-template-scheme = The web address must start with http:// or https://
settings-error-template-unclosed = A “{"{"}” has no closing “{"}"}”.
settings-error-template-unopened = A “{"}"}” has no opening “{"{"}”.
settings-error-template-unknown = callpop does not know { $placeholder }. Use { $known }.
settings-error-web-missing = Enter the web address, like { $example }
settings-error-web-invalid = The web address must start with http:// or https://, like { $example }
settings-error-ldap-missing = Enter the directory server, like ldaps://dc1.example.com
settings-error-ldap-invalid = The address must start with ldap:// or ldaps://, like ldaps://dc1.example.com
settings-error-ldap-base = Enter where to search, like ou=people,dc=example,dc=com
settings-error-ldap-phone-attrs = Enter at least one field with phone numbers, like telephoneNumber.
settings-error-ldap-name-attrs = Enter at least one field with the name, like displayName.
settings-error-ldap-filter = A filter is written in brackets, like (objectClass=person).
settings-error-pointer-missing = Enter where the name is, like /name
settings-error-pointer-invalid = This must start with a /, like /name or /results/0/displayName
settings-error-file-missing = Enter the file's full path, like /home/ann/contacts.vcf
settings-error-file-relative = Enter the full path, starting with /, like /home/ann/contacts.vcf
