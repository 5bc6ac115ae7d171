# callpop, English: common
