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
        "29"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Mon Jan 01 10:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "the first full_text, replaced",
      "full_text" : "the second full_text is the one kept",
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
        "31"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000002",
      "id_str" : "1800000000000000022",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000002",
      "created_at" : "Mon Jan 01 10:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a tweet whose id is given twice",
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
        "urls" : [],
        "urls" : [ { "url" : "https://t.co/TwIcE00001", "expanded_url" : "https://example.org/twice", "display_url" : "example.org/twice" } ]
      },
      "display_text_range" : [
        "0",
        "58"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000003",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000003",
      "created_at" : "Mon Jan 01 10:03:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a tweet whose urls are given twice https://t.co/TwIcE00001",
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
        "26"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000004",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000004",
      "created_at" : "Mon Jan 01 10:04:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a tweet without duplicates",
      "lang" : "en"
    }
  }
]
