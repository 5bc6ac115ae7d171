# callpop, English: app
# Words the Rust side says: errors of the phone core and the app, the tray, notifications,
# window titles, problems, the command line. The pages use the error messages too: an error
# arrives as {kind, message, params} and `error-<kind>` (with params) is its sentence.
# An optional number that is not known comes as the text "unknown", a missing reason as "none".

## What went wrong with a phone (PhoneError, by kind)

error-passcode_rejected = { $tries_left ->
    [unknown] The phone rejected the passcode. Check it in Settings; callpop will not try again until you change it.
    [0] The phone rejected the passcode (no tries left before the phone locks). Check it in Settings; callpop will not try again until you change it.
    [one] The phone rejected the passcode ({ $tries_left } try left before the phone locks). Check it in Settings; callpop will not try again until you change it.
   *[other] The phone rejected the passcode ({ $tries_left } tries left before the phone locks). Check it in Settings; callpop will not try again until you change it.
}
error-locked_out = { $minutes ->
    [unknown] The phone has locked remote access after too many wrong passcodes. callpop tries once more when the lock ends; if the passcode in Settings is wrong, correct it now.
    [one] The phone has locked remote access after too many wrong passcodes for { $minutes } minute. callpop tries once more when the lock ends; if the passcode in Settings is wrong, correct it now.
   *[other] The phone has locked remote access after too many wrong passcodes for { $minutes } minutes. callpop tries once more when the lock ends; if the passcode in Settings is wrong, correct it now.
}
error-remote_control_denied = The phone refused remote control from this computer. On the phone's web page open Network > Remote Control, set "Action URI Support" to Enabled and add this computer's address to "Action URI Allowed IP List".
error-session_expired = The phone ended callpop's login session. callpop logs in again by itself; if this persists, check the user name and password in Settings.
# $function: what callpop asked for, in English as the phone system's code names it.
error-not_supported = The phone does not offer { $function } (firmware too old, or the feature is switched off).
# $action and $reason: in English, as the phone system's code and the phone say them.
error-command_refused = { $reason ->
    [none] The phone refused to { $action }.
   *[other] The phone refused to { $action }: { $reason }.
}
error-unreachable = Cannot reach the phone at { $host }: { $reason }. Check that the phone is on and the address in Settings is right.
error-timeout = The phone at { $host } did not answer within { $seconds } s. It may be busy or in power save; callpop keeps trying.
error-certificate_unknown = The phone at { $host } presents a certificate callpop has not seen before (SHA-256 { $fingerprint }). Compare it with the one shown on the phone's web page, then accept it in Settings.
error-certificate_changed = The phone at { $host } presents a different certificate than the one you accepted (accepted { $expected }, now { $actual }). If the phone was replaced or re-keyed, accept the new one in Settings; otherwise something may be impersonating the phone.
error-unexpected_answer = The phone gave an answer callpop does not understand to { $function } ({ $excerpt }). Is { $host } really the phone's address?
error-bad_address = The phone address "{ $address }" is not usable: { $reason }
error-account_unknown = The phone has no account { $account } (it has { $count ->
    [one] 1 account
   *[other] { $count } accounts
}). Choose another account to call from.
error-account_unregistered = Account { $account } “{ $name }” is not registered, so it cannot call now. Choose another account, or check the account on the phone.

## Why callpop declined, or the phone system would not let it (PhoneError kind "refused":
## one message per Refusal kind, params.refusal names it)
# $action: what was asked, as an id (hang_up, set_forward...); $system: grandstream,
# asterisk, xivo or yealink. $reason: what the server said (as it said it), or "none".

refusal-no_call = There is no call to do that to.
refusal-call_over = That call is already over.
refusal-call_over_on_pbx = That call is already over on the PBX.
refusal-caller_hung_up = The caller hung up before the call could be answered.
refusal-not_ringing = No call is ringing.
refusal-no_call_to_hang_up = There is no call to hang up.
refusal-hold_needs_connected = Hold works during a connected call.
refusal-not_on_hold = No call is on hold.
refusal-mute_needs_connected = Mute works during a connected call (at idle the phone's mute key turns on Do Not Disturb).
refusal-transfer_needs_call = Transfer works during a call.
refusal-transfer_needs_answer = Transfer works once the call is answered.
refusal-no_transfer_number = There is no number to transfer to.
refusal-no_transfer_in_progress = No transfer is in progress: start one with a consultation first.
refusal-xivo_transfer_held = XiVO transfers the call you are talking on: resume this call first, then transfer it.
refusal-no_number = There is no number to dial.
refusal-not_offered = callpop cannot { $action ->
    [dial] dial
    [answer] answer
    [reject] reject the call
    [hang_up] hang up
    [hold] put the call on hold
    [resume] resume the call
    [mute] mute the microphone
    [unmute] unmute the microphone
    [transfer] transfer the call
    [consult_transfer] start a consultation transfer
    [complete_transfer] complete the transfer
    [cancel_transfer] cancel the transfer
    [set_dnd] change Do Not Disturb
   *[set_forward] change call forwarding
} with this { $system ->
    [asterisk] Asterisk PBX
    [xivo] XiVO PBX
    [yealink] Yealink phone
   *[grandstream] Grandstream phone
}.
refusal-no_account_choice = { $system ->
    [asterisk] An Asterisk PBX
    [xivo] A XiVO PBX
    [yealink] A Yealink phone
   *[grandstream] A Grandstream phone
} cannot choose the account to dial from: it dials from its own line.
refusal-asterisk_bad_number = "{ $number }" cannot be { $action ->
    [transfer] transferred to
   *[dial] dialled
} through Asterisk: use digits, + * and #, at most { $max } { $max ->
    [one] character
   *[other] characters
}.
refusal-other_call_first = The phone would { $action ->
    [reject] reject
    [hang_up] hang up
    [hold] put on hold
   *[mute] mute
} another call than the one on line { $line }: it only acts on the call it shows first. { $action ->
    [reject] Reject it on the phone, or answer it.
    [hang_up] Resume it first (the call you are in goes on hold), then hang up.
    [hold] Use the phone's Hold key.
   *[mute] Use the phone's Mute key.
}
refusal-line_not_forward = The phone did not bring the call on line { $line } forward in time, so callpop did not hang it up. Hang it up on the phone.
refusal-click_to_dial_account = The phone did not take { $number } by click-to-dial from account { $account }, and pressing the digits would dial from its default account instead. Turn on "Click-To-Dial Feature" on the phone, or dial from the phone's default account.
refusal-click_to_dial_in_call = The phone did not take { $number } by click-to-dial, and pressing the digits now would send them into the call in progress as tones. Dial it after this call, or turn on "Click-To-Dial Feature" on the phone.
refusal-click_to_dial_not_typable = The phone's click-to-dial is off, and { $number } cannot be typed on a keypad. Turn on "Click-To-Dial Feature" on the phone, or set an international prefix in callpop's dialing rules.
refusal-which_ringing = Another call rings too, and the phone did not say which is which. Use the phone's keys.
refusal-which_to_hang_up = Another call is on the phone, and the phone did not say which is which. Hang up on the phone.
refusal-which_to_hold = Another call is on the phone, and the phone did not say which is which. Use the phone's Hold key.
refusal-yealink_not_allowed = The phone at { $host } refused remote control from this computer. On the phone's web page open Features > Remote Control and add this computer's address to "Action URI Allow IP List" (features.action_uri_limit_ip), or set it to any.
refusal-yealink_no_answer = The phone at { $host } took the request but did not answer within { $seconds } s. If it shows "Allow remote control?", press OK on the phone (or set features.show_action_uri_option = 0 so it stops asking); otherwise it may be busy, and callpop keeps trying.
refusal-other_party_unknown = callpop cannot tell which channel on the PBX is the other party of this call, so it cannot transfer it. Transfer it with the desk phone's keys.
refusal-too_many_waiting = Too many requests to the PBX are waiting for an answer; try again in a moment.
refusal-ami_login_in_use = The Asterisk manager account "{ $username }" is already logged in elsewhere, and the PBX allows one login per account. Set allowmultiplelogin = yes for it in manager.conf, or give callpop an account of its own. callpop keeps trying.
refusal-xivo_login_failed = The XiVO server at { $host } could not log { $username } in right now (HTTP { $status }{ $reason ->
    [none] {""}
   *[other] , { $reason }
}). This is a problem on the server; callpop tries again by itself.
refusal-xivo_session_refused = The XiVO server at { $host } refused to open a CTI session for { $username }{ $reason ->
    [none] {""}
   *[other] {" "}({ $reason })
}. Check on the XiVO that this user has a line and may use the CTI; callpop tries again by itself.
refusal-xivo_session_ended = The XiVO server ended callpop's CTI session{ $reason ->
    [none] {""}
   *[other] {" "}({ $reason })
}; callpop reconnects by itself.
# Already in the user's language (the command line's own refusals).
refusal-said = { $message }

## The app's own errors (commands and actions)

error-no_password = No password is stored for { $phone }. Enter it in Settings.
error-call_over = That call is already over.
error-not_configured = No phone is connected yet. Set up your phone in Settings.
error-phone_not_connected = That phone is not connected.
error-no_history = The call history is not available (see the problem shown in the main window).
error-no_passcode = Enter the password first.
error-push_off = No phone sends call alerts to callpop yet. Turn on call alerts for this phone, save, then test again.
app-bad-action = “{ $action }” is not something callpop can do to a call.
app-no-window = There is no window called { $name }.
app-save-phone-first = Save the phone first.
app-asterisk-no-certificate = callpop talks to Asterisk without a certificate.
app-export-no-folder = There is no folder to save the file in.
app-export-failed = Could not write { $path }: { $reason }
app-clipboard-failed = The clipboard cannot be used: { $reason }
app-no-settings-folder = There is no folder for callpop's settings.
app-contacts-not-saved = Could not save { $path }: { $reason }

## The keyring

keyring-unavailable = No keyring is available to store the passcode ({ $reason }). Install and unlock GNOME Keyring or KWallet (on Debian/Ubuntu: sudo apt install gnome-keyring, then log in again), or let callpop keep the passcode in memory until you quit.
keyring-failed = { $action ->
    [open] The keyring refused to open: { $reason }
    [read] The keyring refused to read the passcode: { $reason }
    [store] The keyring refused to store the passcode: { $reason }
   *[remove] The keyring refused to remove the passcode: { $reason }
}
keyring-reason-no-service = no keyring service is running
keyring-reason-no-session = no desktop session
keyring-reason-locked = the keyring is locked or not set up

## Numbers that cannot be dialled (NumberError, by kind)

number-empty = Nothing to dial: no text was selected
number-no_number = No phone number found in “{ $excerpt }”
number-too_short = “{ $number }” is too short for a phone number: is a digit or the area code missing?
number-too_long = “{ $number }” has too many digits for a phone number
number-missing_area_code = “{ $number }” needs its area code: the phone cannot dial a local number without it
number-invalid = “{ $number }” is not a valid phone number: check for a missing or extra digit
number-unknown_country_code = “{ $number }” does not start with a known country code
number-not_a_number = “{ $address }” is a name, not a phone number: the desk phone can only dial numbers
number-disguised = “{ $excerpt }” may not be the number it looks like (hidden direction marks or digits from different scripts): type the number instead
number-unknown_country = “{ $country }” is not a known country: enter the desk's country as two letters, such as US, DE, GB or FR
number-bad_outside_line_prefix = The outside line prefix “{ $prefix }” can only be up to 4 digits (or * and #), like 0 or 9
number-bad_international_prefix = The international prefix “{ $prefix }” must be empty (to use the country's own), + or up to 5 digits, like 00 or 011

## Settings that cannot be saved (SettingsError, by kind)

settings-invalid-in_phone = { $phone }: { $problem }
settings-invalid-poll_interval = The phone check interval must be between 250 ms and 60 seconds (it is { $ms } ms)
settings-invalid-connect_timeout = The connection timeout must be between 0.5 and 60 seconds (it is { $ms } ms)
settings-invalid-request_timeout = The request timeout must be between 1 and 120 seconds and not shorter than the connection timeout (it is { $ms } ms)
settings-invalid-cert_fingerprint = The accepted certificate fingerprint is not valid: { $reason }
settings-invalid-username = The login needs a user name
settings-invalid-host = The server name “{ $value }” is not usable: use a host name or an IP address, such as pbx.example.com or 10.0.0.2
settings-invalid-port = The port must be a number from 1 to 65535
settings-invalid-device = The device “{ $value }” is not usable: write it the way Asterisk names it, such as PJSIP/201 or SIP/201
settings-invalid-context = The dialplan context must be a word such as from-internal
settings-invalid-phone_id = “{ $id }” cannot name a phone: use letters, digits, - and _
settings-invalid-duplicate_phone = Two phones are named “{ $id }”
settings-invalid-too_many_phones = callpop watches at most { $max } phones
settings-invalid-hotkey = The dial hotkey is empty: choose a key combination such as Ctrl+Alt+D
settings-invalid-language = The language “{ $value }” is not usable: choose auto, en or ru
settings-invalid-push_listen = The push listener address “{ $value }” must be an IP address and a port, such as 0.0.0.0:8787
settings-invalid-push_token = The push token must be at least { $min } characters of letters, digits, - and _
settings-invalid-newer_version = This settings file was written by a newer callpop (layout { $found }); update callpop to use it
settings-invalid-write = Could not save the settings to { $path }: { $reason }
settings-invalid-encode = Could not write the settings: { $reason }

## Pushes from the phone (push health, by code)

push-waiting = Waiting for the phone's first push; checking the phone every { $seconds } s meanwhile.
push-healthy = The phone reports calls as they happen; callpop checks it every { $seconds } s to stay in step.
# $reason: a whole sentence (in English) saying why pushes cannot arrive.
push-silent = { $reason } callpop checks the phone every { $seconds } s instead.
push-unannounced = The phone reported a call change that no push announced: check the Action URLs on the phone. Checking it every { $seconds } s meanwhile.

## Problems of the app itself (main window)

problem-settings-file = The settings file could not be used ({ $reason }). It was kept as { $path } and callpop started with default settings.
problem-tray-failed = The tray icon could not be created: { $reason }
problem-tray-missing = The tray icon could not be created: the system tray library is missing (install libayatana-appindicator3-1).
problem-hotkey-invalid = The hotkey "{ $hotkey }" is not understood ({ $reason }). Write it like Ctrl+Alt+D in Settings.
problem-hotkey-taken = The hotkey { $hotkey } could not be set up ({ $reason }). Another program may use it, or the desktop does not allow global hotkeys (Wayland). Choose another in Settings; "Dial clipboard" in the tray menu still works.
problem-hotkey-no-portal = On this desktop (Wayland) callpop cannot use a keyboard shortcut: the desktop offers no global shortcuts service. To dial a number you selected or copied, choose "Dial clipboard" in the tray menu.
problem-hotkey-declined = The dial hotkey { $hotkey } was declined in your desktop's dialog, so no keyboard shortcut dials. To be asked again, restart callpop or choose another hotkey in Settings; meanwhile, "Dial clipboard" in the tray menu dials what you selected or copied.
problem-hotkey-portal-failed = The desktop could not set up the dial hotkey { $hotkey } ({ $reason }). Choose "Dial clipboard" in the tray menu to dial what you selected or copied.
hotkey-desktop-ended = the desktop ended the shortcut
hotkey-desktop-no-answer = the desktop's shortcut service did not answer
hotkey-desktop-bad-answer = the desktop's shortcut service gave an answer callpop does not understand
hotkey-desktop-description = Dial the phone number you selected or copied
hotkey-desktop-waiting = Your desktop asks you to confirm the dial hotkey { $hotkey }: answer in its dialog.
hotkey-desktop-bound = Dial hotkey: { $trigger } (set through your desktop)
hotkey-desktop-bound-no-keys = The dial hotkey is registered with your desktop, but no keys are assigned to it yet: choose them in your desktop's keyboard shortcut settings.
problem-history-unavailable = The call history is not available: { $reason }
problem-history-write = This call could not be written to the history: { $reason }
problem-contacts-unreadable = The contacts settings could not be read: { $reason }
problem-contacts-broken = The contacts settings could not be used ({ $reason }). They were kept as { $path } and caller lookup is off.
problem-lookup-off = Caller lookup is off: { $reason }
problem-lookup-no-folder = there is no folder to keep the contacts in
problem-autostart = Start at login could not be changed: { $reason }

## A phone's connection in one line (tray, headline)

conn-online = Phone connected
conn-connecting = Connecting to the phone…
conn-not-configured = No phone set up yet: open Settings
conn-stopped = Not watching the phone

## The tray's first line: what is happening now

headline-ringing = Ringing: { $who }
headline-in-call = In call: { $who }
headline-in-call-muted = In call: { $who } (muted)
headline-calling = Calling: { $who }
headline-on-hold = On hold: { $who }
# The caller with the phone the call is on, when there are several phones.
headline-who-on-phone = { $who } ({ $phone })
headline-phones-connected = { $count } phones connected
headline-phones-some-connected = { $online } of { $count } phones connected. { $phone }: { $problem }

## The tray menu

tray-cancel-dial = Cancel dialing { $number }
tray-missed = { $count ->
    [one] { $count } missed call
   *[other] { $count } missed calls
}
tray-dial-clipboard = Dial clipboard
tray-dnd-turn-on = Turn on Do Not Disturb
tray-dnd-turn-off = Turn off Do Not Disturb
tray-dnd-turn-on-phone = Turn on Do Not Disturb ({ $phone })
tray-dnd-turn-off-phone = Turn off Do Not Disturb ({ $phone })
tray-open = Open callpop
tray-settings = Settings…
tray-quit = Quit

## Notifications

notify-line = Line { $line }
notify-account = Account { $account }
notify-missed-from = Missed call from { $caller }
notify-call-answered = Call answered
notify-cancel = Cancel

## Dialing from the hotkey, the tray or a link

dial-nothing-title = Nothing to dial
dial-clipboard-empty = The clipboard and the selection are empty.
dial-clipboard-no-number = There is no phone number in the clipboard or the selection.
dial-no-number = There is no phone number to dial.
dial-title = Dialing { $number }
dial-body = { $seconds ->
    [one] callpop will dial { $dial } in { $seconds } second. Cancel from this notification or the tray menu.
   *[other] callpop will dial { $dial } in { $seconds } seconds. Cancel from this notification or the tray menu.
}
dial-body-others = { $seconds ->
    [one] callpop will dial { $dial } in { $seconds } second. Cancel from this notification or the tray menu. The selection also holds { $others }: cancel to dial one of those instead.
   *[other] callpop will dial { $dial } in { $seconds } seconds. Cancel from this notification or the tray menu. The selection also holds { $others }: cancel to dial one of those instead.
}
dial-no-phone = Cannot dial: no phone is connected. Check Settings.
dial-cancelled = Dialing cancelled

## Window titles

window-main = callpop
window-call = Call

## The command line (text output; --json output and --help stay English)

cli-cannot-start = cannot start: { $reason }
cli-accept-certificate = to accept it, run again with --cert-sha256 { $fingerprint }
cli-no-phone = No phone is set up. Give one with --phone http://PHONE-ADDRESS, or set it in the app's Settings.
cli-unknown-phone = There is no phone “{ $phone }” in the settings. `callpop phones` lists them.
cli-no-passcode = No password is stored for { $phone }. Save it in the app's Settings, or set the environment variable { $env }.
cli-settings-unusable = The settings file cannot be used ({ $reason }). Open the app to see and fix it; this command changes nothing.
cli-no-phones = No phones are set up.
cli-answered = Answered.
cli-rejected = Rejected.
cli-hung-up = Hung up.
cli-resumed = Resumed.
cli-held = On hold.
cli-muted = Muted.
cli-unmuted = Unmuted.
cli-transferred = Transferred to { $number }.
cli-dnd-on = Do Not Disturb is on.
cli-dnd-off = Do Not Disturb is off.
cli-forward-off = Forwarding is off.
cli-forwarded = Calls are forwarded to { $number }.
cli-dialing = { $method ->
    [click_to_dial] Dialing { $number } ({ $dial }, via click-to-dial).
    [keypad] Dialing { $number } ({ $dial }, via keypad).
   *[pbx] Dialing { $number } ({ $dial }, via the phone system).
}
cli-account-no-choice = { $phone } cannot choose the account to dial from: it dials from its own line.
cli-account-unknown = The phone has no account “{ $account }”. Its accounts: { $accounts }.
cli-watcher-stopped = The phone watcher stopped.
cli-reboot-grandstream-only = callpop can restart Grandstream phones only; { $phone } is a { $kind }.
cli-reboot-busy = A call is in progress on line { $line }; restarting would end it. Use --force to restart anyway.
cli-restarting = The phone is restarting; it takes about a minute.
cli-events-dropped = { $count ->
    [one] { $count } event was dropped (output too slow)
   *[other] { $count } events were dropped (output too slow)
}
cli-next-try = { $message } (next try in { $seconds } s)
cli-back-online = the phone is back online
cli-no-push-token = no push token in the settings; this run uses { $token }
cli-no-push = { $kind } does not push events to callpop.
cli-listening = listening for pushes on { $address }; set these Action URLs on the phone (Settings > Outbound Notification > Action URL):
cli-cannot-print = cannot print an event: { $reason }
# `callpop status`: "Phone 10.0.0.5: busy", then one row per line.
cli-status-phone = Phone { $label }: { $summary }
cli-summary-available = available
cli-summary-busy = busy
cli-summary-ringing = ringing
cli-status-line = Line
cli-status-account = Account { $account }
cli-account-registered = registered
cli-account-unregistered = not registered
cli-line-idle = idle
cli-line-ringing = ringing
cli-line-calling = calling
cli-line-dialing = dialing
cli-line-connected = connected
cli-line-onhold = onhold
cli-line-failed = failed
cli-unknown-caller = (unknown caller)
cli-note-account = account { $account }
cli-note-active = active
# `callpop watch`: one row per call event.
cli-event-line = line
cli-event-call = call
cli-event-unknown = (unknown)
cli-event-ringing = ringing
cli-event-dialing = dialing
cli-event-connected = connected
cli-event-held = held
cli-event-resumed = resumed
cli-event-ended = ended
cli-event-missed = missed
