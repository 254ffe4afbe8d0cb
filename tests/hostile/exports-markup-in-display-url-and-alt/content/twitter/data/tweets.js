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
            "url" : "https://t.co/MaRkUp0001",
            "expanded_url" : "https://example.org/one",
            "display_url" : "<script>alert(1)</script>",
            "indices" : [
              "0",
              "1"
            ]
          },
          {
            "url" : "https://t.co/MaRkUp0002",
            "expanded_url" : "https://example.org/two",
            "display_url" : "\"><img src=x onerror=alert(2)>",
            "indices" : [
              "0",
              "1"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "93"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Mon Jan 01 10:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "markup in link labels https://t.co/MaRkUp0001 https://t.co/MaRkUp0002 https://t.co/Ph00000001",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000001/photo/1",
            "url" : "https://t.co/Ph00000001",
            "media_url_https" : "https://pbs.twimg.com/media/Markup.png",
            "id_str" : "1800000000000000001",
            "type" : "photo",
            "display_url" : "pic.twitter.com/Ph00000001",
            "sizes" : {
              "large" : {
                "w" : "1",
                "h" : "1",
                "resize" : "fit"
              }
            },
            "ext_alt_text" : "\"><script>alert(3)</script><img src=x onerror=alert(4)> & a cat"
          }
        ]
      }
    }
  }
]
