{
  "tweet": {
    "edit_info": {
      "initial": {
        "editTweetIds": [
          "1800000000000000005"
        ],
        "editsRemaining": "5"
      }
    },
    "retweeted": false,
    "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
    "entities": {
      "hashtags": [],
      "symbols": [],
      "user_mentions": [],
      "urls": []
    },
    "display_text_range": [
      "0",
      "25"
    ],
    "favorite_count": "0",
    "id_str": "1800000000000000005",
    "truncated": false,
    "retweet_count": "0",
    "id": "1800000000000000005",
    "created_at": "Mon Jan 01 10:05:00 +0000 2024",
    "favorited": false,
    "full_text": "a bare object, no wrapper",
    "lang": "en"
  }
}
