window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000001"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/JsJsJs0001",
            "expanded_url" : "javascript:alert(document.domain)",
            "display_url" : "example.org/safe",
            "indices" : [
              "0",
              "1"
            ]
          },
          {
            "url" : "https://t.co/GoOd000001",
            "expanded_url" : "https://example.org/good",
            "display_url" : "example.org/good",
            "indices" : [
              "0",
              "1"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "80"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Mon Jan 01 10:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a javascript link https://t.co/JsJsJs0001 and a good one https://t.co/GoOd000001",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000002"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/DaTa000001",
            "expanded_url" : "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "display_url" : "data",
            "indices" : [
              "0",
              "1"
            ]
          },
          {
            "url" : "https://t.co/SpAcE00001",
            "expanded_url" : " JaVaScRiPt:alert(2)",
            "display_url" : "x",
            "indices" : [
              "0",
              "1"
            ]
          },
          {
            "url" : "https://t.co/VbS0000001",
            "expanded_url" : "vbscript:msgbox(1)",
            "display_url" : "y",
            "indices" : [
              "0",
              "1"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "76"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000002",
      "created_at" : "Mon Jan 01 10:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a data link https://t.co/DaTa000001 and a spaced one https://t.co/SpAcE00001",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000003"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "51"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000003",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000003",
      "created_at" : "Mon Jan 01 10:03:00 +0000 2024",
      "favorited" : false,
      "full_text" : "media with script addresses https://t.co/Ph00000003",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000003/photo/1",
            "url" : "https://t.co/Ph00000003",
            "media_url_https" : "javascript:alert(3)",
            "id_str" : "1800000000000000003",
            "type" : "photo",
            "display_url" : "pic.twitter.com/Ph00000003",
            "sizes" : {
              "large" : {
                "w" : "1",
                "h" : "1",
                "resize" : "fit"
              }
            }
          },
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000003/photo/1",
            "url" : "https://t.co/Ph00000003",
            "media_url_https" : "https://pbs.twimg.com/media/v.jpg",
            "id_str" : "1800000000000000003",
            "type" : "video",
            "display_url" : "pic.twitter.com/Ph00000003",
            "sizes" : {
              "large" : {
                "w" : "1",
                "h" : "1",
                "resize" : "fit"
              }
            },
            "video_info" : {
              "variants" : [
                {
                  "content_type" : "video/mp4",
                  "url" : "data:video/mp4;base64,AAAA"
                }
              ]
            }
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000004"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "37"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000004",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000004",
      "created_at" : "Mon Jan 01 10:04:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a reply whose screen name is a script",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1800000000000000001",
      "in_reply_to_screen_name" : "javascript:alert(4)"
    }
  }
]
