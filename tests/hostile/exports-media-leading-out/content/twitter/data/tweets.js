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
        "71"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000001",
      "created_at" : "Mon Jan 01 10:01:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a photo that is a link to a marked file outside https://t.co/Ph00000001",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000001/photo/1",
            "url" : "https://t.co/Ph00000001",
            "media_url_https" : "https://pbs.twimg.com/media/Leak.png",
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
            "ext_alt_text" : "leak"
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
        "61"
      ],
      "favorite_count" : "0",
      "id_str" : "1800000000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000002",
      "created_at" : "Mon Jan 01 10:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "a photo that is a link to /etc/passwd https://t.co/Ph00000002",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000002/photo/1",
            "url" : "https://t.co/Ph00000002",
            "media_url_https" : "https://pbs.twimg.com/media/Passwd.png",
            "id_str" : "1800000000000000002",
            "type" : "photo",
            "display_url" : "pic.twitter.com/Ph00000002",
            "sizes" : {
              "large" : {
                "w" : "1",
                "h" : "1",
                "resize" : "fit"
              }
            },
            "ext_alt_text" : "passwd"
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
      "full_text" : "photo addresses leading out https://t.co/Ph00000003",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/owner/status/1800000000000000003/photo/1",
            "url" : "https://t.co/Ph00000003",
            "media_url_https" : "https://pbs.twimg.com/media/../../../../../etc/passwd",
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
            "media_url_https" : "/etc/passwd",
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
            "media_url_https" : "file:///etc/passwd",
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
            "media_url_https" : "https://pbs.twimg.com/media/..",
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
          }
        ]
      }
    }
  }
]
