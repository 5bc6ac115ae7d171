# callpop, English: main
