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
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "26"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Mon Jan 01 10:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a good tweet first #fields",
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
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "12"
      ],
      "favorite_count" : "0",
      "truncated" : false,
      "retweet_count" : "0",
      "created_at" : "Mon Jan 01 10:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "no id at all",
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
        "22"
      ],
      "favorite_count" : "0",
      "id_str" : 1800000000000000003,
      "truncated" : false,
      "retweet_count" : "0",
      "id" : 1800000000000000003,
      "created_at" : "Mon Jan 01 10:03:00 +0000 2024",
      "favorited" : false,
      "full_text" : "an id that is a number",
      "lang" : "en"
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
        "18"
      ],
      "favorite_count" : "0",
      "id_str" : "1111111111111111111111111",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1111111111111111111111111",
      "created_at" : "Mon Jan 01 10:04:00 +0000 2024",
      "favorited" : false,
      "full_text" : "an id of 25 digits",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000005"
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
        "4"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000005",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000005",
      "created_at" : "Mon Jan 01 10:05:00 +0000 2024",
      "favorited" : false,
      "full_text" : [
        "full_text",
        "is",
        "a",
        "list"
      ],
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000006"
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
        "13"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000006",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000006",
      "favorited" : false,
      "full_text" : "no created_at",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000007"
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
        "24"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000007",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000007",
      "created_at" : "yesterday",
      "favorited" : false,
      "full_text" : "created_at is not a date",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000008"
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
        "22"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000008",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000008",
      "created_at" : 1700000000,
      "favorited" : false,
      "full_text" : "created_at is a number",
      "lang" : "en"
    }
  },
  null,
  "a string, not a tweet",
  {
    "tweet" : [
      "a",
      "list"
    ]
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000012"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : "none",
      "display_text_range" : [
        "0",
        "54"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000012",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000012",
      "created_at" : "Mon Jan 01 10:12:00 +0000 2024",
      "favorited" : false,
      "full_text" : "entities of the wrong type are dropped, the tweet kept",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000013"
          ],
          "editsRemaining" : "5"
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "urls" : {
          "url" : "https://t.co/x"
        },
        "user_mentions" : [
          7,
          {
            "screen_name" : null
          }
        ],
        "hashtags" : [
          {
            "text" : 5
          }
        ]
      },
      "display_text_range" : [
        "0",
        "49"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000013",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000013",
      "created_at" : "Mon Jan 01 10:13:00 +0000 2024",
      "favorited" : false,
      "full_text" : "urls is not a list, mentions hold a number @ghost",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000014"
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
        "32"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000014",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000014",
      "created_at" : "Mon Jan 01 10:14:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a reply to an id that is not one",
      "lang" : "en",
      "in_reply_to_status_id_str" : [
        "1"
      ],
      "in_reply_to_screen_name" : {
        "name" : "x"
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000015"
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
        "25"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000015",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000015",
      "created_at" : "Mon Jan 01 10:15:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a language that is a list",
      "lang" : [
        "en"
      ]
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000016"
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
        "24"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000016",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000016",
      "created_at" : "Mon Jan 01 10:16:00 +0000 2024",
      "favorited" : false,
      "full_text" : "media of the wrong types",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "type" : "hologram",
            "media_url_https" : "https://pbs.twimg.com/media/x.png"
          },
          {
            "type" : "photo",
            "media_url_https" : 42
          },
          {
            "type" : "video",
            "media_url_https" : "https://pbs.twimg.com/media/v.jpg",
            "video_info" : {
              "variants" : "none"
            }
          },
          "not an object"
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1800000000000000017"
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
        "17"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000017",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000017",
      "created_at" : "Mon Jan 01 10:17:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a good tweet last",
      "lang" : "en"
    }
  }
]
