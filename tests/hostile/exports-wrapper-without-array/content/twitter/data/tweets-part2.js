window.YTD.tweets.part2 =
