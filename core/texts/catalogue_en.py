"""English texts, for people whose Telegram language is English."""

EN: dict[str, str] = {
    "start_resident": (
        "Hello{name}! This is <b>Minqing</b>: members of the district's political consultative "
        "conference listen to residents' concerns here.\n\n"
        "Just tell me the problem in your own words (photos welcome), for example:\n"
        '"Someone has taken over our village\'s contracted farmland and nobody helps"\n\n'
        "I pass it to the members who know the field (law, economy, agriculture ...), give you a "
        "case number, and /my shows how it is going."
    ),
    "start_member": (
        "Hello{name}! New cases of your think tank come here; press Claim to take one.\n"
        "Send /help for the member commands."
    ),
    "start_coordinator": "Hello{name}! You are a coordinator: statistics, triage and the think "
    "tanks are yours.\nSend /help for the commands.",
    "draft_open": "You have a concern that is not submitted yet: carry on, or /cancel it.",
    "greeting_hint": "Hello! Tell me the problem: what, where and since when. Photos welcome.",
    "help_resident": "Just write to raise a concern. Commands:",
    "help_member": "Member commands:",
    "help_coordinator": "Coordinator commands:",
    "cmd_start": "Start",
    "cmd_new": "Raise a new concern",
    "cmd_my": "My concerns and their status",
    "cmd_case": "Show a case: /case number",
    "cmd_cancel": "Cancel what is going on",
    "cmd_help": "Help",
    "ask_describe": "Please describe the problem: what, where and since when. Photos welcome.",
    "ask_describe_with_photo": "Please also describe the problem in words.",
    "need_words": "Please describe the problem in words (emoji or blank text cannot be taken).",
    "need_more_detail": "Please tell me a little more: what exactly, where, since when?",
    "ask_station": "Which town or street office is it in? Pick one (or skip):",
    "use_buttons": "Please use the buttons above.",
    "text_appended": "Added to your description. Please carry on choosing.",
    "text_too_long": "That is too long: a concern can have at most {limit} characters.",
    "photo_added": "📷 Photo added ({count}/{limit}).",
    "photo_limit": "At most {limit} photos; the rest were not added.",
    "location_saved": "📍 Location saved.",
    "ask_contact": (
        "Would you leave a phone number so the member can call back?\n"
        '• Press "Share my phone number" (only the member in charge and coordinators see it)\n'
        "• Or choose no phone, or stay anonymous"
    ),
    "contact_share": "📱 Share my phone number",
    "contact_none": "No phone",
    "contact_anonymous": "Stay anonymous",
    "contact_not_own": "Please share your own phone number (the button below).",
    "contact_saved": "Phone number saved.",
    "contact_noted": "All right.",
    "skip": "Skip",
    "draft_card": (
        "<b>📝 Please check your concern</b>\n\n"
        "{text}\n\n"
        "📷 Photos: {photos}\n"
        "📍 Town: {station}\n"
        "📞 Contact: {contact}\n"
        "{route}{keywords}\n\n"
        "You can still add words or photos. Press Confirm when it is right."
    ),
    "card_route": "🏛 Goes to: the <b>{tank}</b> think tank (match {confidence})",
    "card_route_triage": "🏛 Goes to: the coordinators, who will route it (field unclear)",
    "card_keywords": "\n🔑 Because of: {keywords}",
    "keyword_weight": "{word} ({weight})",
    "keyword_separator": ", ",
    "card_contact_phone": "{phone}",
    "card_contact_none": "no phone",
    "card_contact_anonymous": "anonymous",
    "btn_confirm": "✅ Confirm",
    "btn_change_tank": "🔀 Change field",
    "btn_cancel": "✖️ Cancel",
    "choose_tank": "Which field is it?",
    "tank_unsure": "Not sure: let a coordinator decide",
    "submitted_toast": "Submitted",
    "submitted": (
        "✅ Received as case <b>{ref}</b>.\n"
        "It went to the members of the <b>{tank}</b> think tank, who will answer soon.\n"
        "/my shows its status; /case {ref} its details."
    ),
    "submitted_triage": (
        "✅ Received as case <b>{ref}</b>.\n"
        "A coordinator will pass it to the right members soon.\n"
        "/my shows its status; /case {ref} its details."
    ),
    "cancelled": "Cancelled; nothing was submitted. Write any time.",
    "cancelled_toast": "Cancelled",
    "draft_dropped": "The earlier unsent draft was dropped.",
    "step_cancelled": "Cancelled.",
    "nothing_to_cancel": "Nothing is going on to cancel.",
    "describe_first": "Please describe your concern in words first.",
    "triage_name": "Triage",
    "not_given": "not given",
    "status_triage": "awaiting triage",
    "status_open": "awaiting a member",
    "status_claimed": "in progress",
    "status_resolved": "resolved",
    "status_closed": "closed",
    "my_none": "You have not raised any concern yet. Just write to start.",
    "my_header": "Your concerns (latest {count}):",
    "case_line": "<b>{ref}</b> · {status} · {tank} · {date}\n    {text}",
    "case_usage": "Please give the case number, e.g. /case 12",
    "case_not_found": "Case {ref} was not found, or you may not see it.",
    "case_detail": (
        "<b>Case {ref}</b> · {status}\n"
        "🏛 {tank} · 📍 {station}\n{contact}\n"
        "{text}\n\n<b>Timeline</b>\n{timeline}"
    ),
    "case_contact": "👤 {name} · 📞 {phone}",
    "case_contact_anonymous": "👤 anonymous",
    "member_notice": (
        "🆕 <b>New case {ref}</b> · {tank}\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
    "triage_notice": (
        "🗂 <b>Triage {ref}</b> (no field fits well)\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
    "notice_keywords": "\n\n🔑 Keywords: {keywords} (match {confidence})",
    "event_created": "filed by the resident, sent to {tank}",
    # texts longer than one message can carry
    "text_clipped": "… (too long to show in full)",
    "text_clipped_case": "… (too long to show in full: send /case {number} for all of it)",
    "timeline_more": "({count} earlier entries not shown)",
    "button_stale": "This button is no longer valid.",
    "unknown_command": "Unknown command {command}. Send /help for the commands.",
    "not_allowed": "You may not use that command.",
    "unsupported": "{what} cannot be taken. Please describe the problem in words; photos, a "
    "location or your phone number are welcome.",
    "media_sticker": "A sticker",
    "media_voice": "A voice message",
    "media_audio": "Audio",
    "media_video": "A video",
    "media_video_note": "A video message",
    "media_document": "A file",
    "media_animation": "An animation",
    "media_poll": "A poll",
    "media_other": "That kind of message",
    "private_only": "Please write to me in a private chat.",
    "cmd_forgetme": "Erase my personal data",
    "forget_explain": "This erases your name, phone number and chat identity here. Your concerns stay, anonymous, for the statistics, and you will no longer hear about them. Go ahead?",
    "btn_forget_confirm": "Erase",
    "forget_done": "Your personal data is erased ({count} concerns affected). Thank you for taking part!",
    "forget_staff": "Members and coordinators: please ask a coordinator.",
    "slow_down": "You are sending too fast; please wait a moment. What you sent before is safe.",
    "internal_error": "Sorry, something went wrong. Please try again; what you submitted is safe.",
}

# Words never lost or misplaced: where a resident's words go.
EN.update(
    {
        "card_location": "📌 Location: attached (only the member in charge and coordinators see it)",
        "expect_station": 'Please pick your town with the buttons above, or press "Skip".',
        "expect_contact": "Please use the buttons below: share your phone number, no phone, or stay anonymous; or type your phone number.",
        "expect_confirm": 'If it is right, press "Confirm"; to add to your concern, write a whole sentence.',
        "expect_tank": "Please pick the field with the buttons above.",
        "skipped_toast": "OK",
        "btn_as_new": "📝 File as a new concern",
        "answer_sent": 'Sent to the member as your answer to their question on {ref}. If it is a new concern, press "File as a new concern".',
        "answer_which": "Members are waiting for your answer on {count} cases. Which one is this for? Or file it as a new concern.",
        "comment_kept": "Your comment is on the record of {ref}. Thank you!",
    }
)
