# callpop, English: common
# Words every window uses: call states, actions, connection states.

## The app is missing (a page opened in a plain browser)

common-no-app-title = callpop is not running here
common-no-app = This page is part of the callpop app and only works inside it. Start callpop and open this window from its tray icon.
common-error-unknown = Something went wrong, and callpop did not say what.
common-error-close-window = Could not close this window: { $message }
common-dismiss = Dismiss

## Durations, times

# Spoken durations (screen readers), joined by spaces: "2 minutes 5 seconds".
common-duration-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
common-duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
common-duration-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
common-yesterday = Yesterday
common-retry-now = Trying again now…
common-retry-in = { $minutes ->
    [0] Trying again in { $seconds } s
   *[other] Trying again in { $minutes } min { $seconds } s
}

## Calls

common-unknown-caller = Unknown caller
common-incoming-call = Incoming call
common-muted = Muted
common-phase-ringing = Ringing
common-phase-dialing = Calling
common-phase-connected = In call
common-phase-held = On hold
common-call-controls = Call controls
common-call-info = About this call

## Line states, as the phone reports them

common-line-idle = Idle
common-line-ringing = Ringing
common-line-calling = Calling
common-line-dialing = Dialing
common-line-connected = In call
common-line-onhold = On hold
common-line-failed = Call failed

## A phone's connection

common-connection-connecting = Connecting…
common-connection-online = Connected
common-connection-offline = Phone not reachable
common-connection-needs-attention = Needs your attention
common-connection-stopped = Stopped
common-connection-not-configured = Not set up yet

## Call buttons (label, and the tooltip with its key)

common-action-answer = Answer
common-action-answer-title = Answer this call (key A)
common-action-reject = Reject
common-action-reject-title = Reject this call (key R)
common-action-hold = Hold
common-action-hold-title = Put this call on hold (key H)
common-action-resume = Resume
common-action-resume-title = Take this call off hold (key H)
common-action-mute = Mute
common-action-mute-title = Mute your microphone (key M)
common-action-unmute = Unmute
common-action-unmute-title = Turn your microphone back on (key M)
common-action-hang-up = Hang up
common-action-hang-up-title = End this call (key E)
common-action-show-transfer = Transfer…
common-action-show-transfer-title = Pass this call on to another number
common-action-complete-transfer = Complete transfer
common-action-complete-transfer-title = Connect the caller with the person you consulted, and leave the call
common-action-cancel-transfer = Cancel transfer
common-action-cancel-transfer-title = Stop the transfer and go back to the caller

## Transfer, asked inline

common-transfer-form = Transfer this call
common-transfer-to = Transfer to
common-transfer-placeholder = Number or extension
common-transfer-empty = Type the number to transfer the call to.
# Hand the call over at once.
common-action-transfer = Transfer
# Talk to the other person first, then complete the transfer.
common-action-consult-transfer = Consult first
common-action-hide-transfer = Cancel

## A contact's page in the CRM

common-open-crm = Open in CRM
common-open-crm-title = Open { $link } in your browser
