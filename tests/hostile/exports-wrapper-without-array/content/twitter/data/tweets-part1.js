window.YTD.tweets.part1 = "tweets"
