"""Published test vectors of the WeChat and WeCom callback crypto (the platforms' sample code)."""

from __future__ import annotations

# WeCom's sample (Sample.cpp / Sample.py of the official WXBizMsgCrypt package, also in its
# Java tests): the URL verification request and an encrypted callback.
WECOM_TOKEN = "QDG6eK"
WECOM_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_CORP_ID = "wx5823bf96d3bd56c7"
WECOM_VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": (
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    ),
}
WECOM_VERIFY_PLAIN = "1616140317555161061"
WECOM_POST = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
}
WECOM_POST_BODY = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA["
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Q"
    "czcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kz"
    "Js8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun"
    "1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5"
    "wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T"
    "8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt></xml>"
)

# The Official Account's sample (WXBizMsgCrypt of the WeChat sample code): a fixed random
# prefix makes encryption deterministic.
MP_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MP_APP_ID = "wxb11529c136998cb6"
MP_RANDOM = b"aaaabbbbccccdddd"
MP_PLAIN = "我是中文abcd123"
MP_ENCRYPTED = (
    "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
)
MP_PLAIN_2 = (
    "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
    "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
    "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-"
    "HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]>"
    "</Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
)
MP_ENCRYPTED_2 = (
    "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesx"
    "lkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8H"
    "LXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77"
    "bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+"
    "xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTw"
    "o4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERsp"
    "KA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMl"
    "aFExWUZQDajPkdPrEeOwofJb"
)

# The Official Account sample's decryption example: a text message in safe mode.
MP_TOKEN_2 = "spamtest"
MP_APP_ID_2 = "wx2c2769f8efd9abc2"
MP_POST_2 = {
    "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    "timestamp": "1409735669",
    "nonce": "1320562132",
}
MP_ENCRYPT_2 = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6"
    "F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T33"
    "2jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCg"
    "avjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6Oewp"
    "usjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)

# A callback captured from a real account, published with the same sample: both the plain
# `signature` and the `msg_signature` of an encrypted text message.
MP_TOKEN_3 = "0a0401007e1cb7ac372e91d53056318b"
MP_AES_KEY_3 = "fQ6FDBtJ6brvSxkwdic6MOwzrTpn9Kl2OkLfL1aZ8KB"
MP_APP_ID_3 = "wxb5a757fb3a5e159c"
MP_POST_3 = {
    "signature": "d27c7c434476453b6951b337b44968ff3860d8d4",
    "timestamp": "1489920496",
    "nonce": "114184491",
    "encrypt_type": "aes",
    "msg_signature": "4bdd9f1c5294c47ef5232302d44e02845672697b",
}
MP_ENCRYPT_3 = (
    "YgnIEAxraL0GJ1ecXws+fszyNgvnjfwgkZQNAwSW8VzUGfzAthGYfIqYaR2pboNaHrZ6yNVOj9lQiYLRduo6q9xt"
    "ytamrWMbYSf/UpxxLXVris+9jAKS6q1A1MyLU3hD/kl+EDTaSPRUuaq/Ezt239R6Vwt6Q7QkFa+msFWIaSZw3Z7D"
    "4dbu1Zf5+cBNg6a4P3iqIBg6N3AJBPMfdMRHvoCgYCC11EGthXpd6eW95iiiAYkbcJNjrlY5uUW/xyyqIDa/Yrwq"
    "LQKKbHV+JSAEuF6l/LZbU/I++Ke+hE/Aeyswza+bz1LtmZsfvRUQtOTkiTjAD+icS4nRXGDeW57ow7guZRB0KLzN"
    "29v4qnkM5nxGJWBaiOTQq9iXCSRYBvH2ydpXepLEzI69S24ASQ4mBDnZF+q15nKObyMfCKtTtN+345mLLpaeO+M2"
    "QPSKbbM1simBlr8ZNZTAyvIqcCIpwDQQyZ875DKISu19Sz2jJRbPJr/oJB8t1EwM9jtwh1jL"
)
