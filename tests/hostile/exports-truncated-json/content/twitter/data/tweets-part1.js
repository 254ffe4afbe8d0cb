window.YTD.tweets.part1 = [
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
        "36"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000004",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000004",
      "created_at" : "Mon Jan 01 10:04:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a tweet in the next part, read whole",
      "lang" : "en"
    }
  }
]
