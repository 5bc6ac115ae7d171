# callpop, English: call
