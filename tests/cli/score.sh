# jixiao score: golden cases on the seed under each profile (text and JSON), on a table
# that carries its own 分值/得分 (tests/data/score), user profiles and usage errors.
SEED=tests/data/000_657db78fa8902e38.txt
D=tests/data/score

for p in national platform hebei sichuan; do
  golden score_seed_$p 0 "$JX" score --profile $p $SEED
  golden score_seed_${p}_json 0 "$JX" score --profile $p --format json $SEED
done
golden score_stated_agrees 0 "$JX" score $D/stated-agrees.txt
golden score_stated 1 "$JX" score $D/stated.txt
golden score_stated_json 1 "$JX" score --format=json $D/stated.txt
golden score_profile_file 1 "$JX" score --profile-file $D/old-reverse.lua $D/stated.txt
golden score_two_files 1 "$JX" score --profile platform $D/stated-agrees.txt $D/stated.txt
golden score_list_profiles 0 "$JX" score --list-profiles
golden score_bad_profile_file 2 "$JX" score --profile-file $D/bad-weights.lua $SEED
golden score_unknown_profile 2 "$JX" score --profile nosuch $SEED
golden score_missing_file 2 "$JX" score $D/no-such-table.txt
golden score_missing_file_json 2 "$JX" score --format json $D/no-such-table.txt $D/stated-agrees.txt
golden score_no_input 2 "$JX" score
golden score_bad_format 2 "$JX" score --format csv $SEED
golden score_both_profiles 2 "$JX" score --profile hebei --profile-file $D/old-reverse.lua $SEED
check score_help "$JX help score | grep '^usage: jixiao score'"
check score_help_flag "[ \"\$($JX score --help)\" = \"\$($JX help score)\" ]"
check score_output_file "$JX score -o \$S/out.json --format json $SEED && $JX score --format json $SEED | cmp -s - \$S/out.json"
check score_output_not_written "! $JX score -o \$S/none.txt $D/no-such-table.txt 2>/dev/null && [ ! -e \$S/none.txt ]"
check score_profile_file_missing "$JX score --profile-file \$S/nope.lua $SEED 2>&1 | grep 'nope.lua'"
check score_stdin "$JX score - < $SEED | grep '^6 projects\\|6 projects scored'"
