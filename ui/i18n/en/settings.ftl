# callpop, English: settings
