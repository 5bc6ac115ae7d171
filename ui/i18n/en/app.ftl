# callpop, English: app
