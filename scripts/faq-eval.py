#!/usr/bin/env python3
"""Answers every question of a set (eval/questions/*.jsonl) with `regimen faq --format json`
and writes them beside the reference answers, for a reviewer to grade:
    scripts/faq-eval.py eval/questions/dev.jsonl answers.json [path/to/regimen]"""
import json,subprocess,sys
src=sys.argv[1]; out=sys.argv[2]
binary=sys.argv[3] if len(sys.argv)>3 else 'target/debug/regimen'
rows=[json.loads(l) for l in open(src)]
res=[]
for r in rows:
    p=subprocess.run([binary,'faq','--format','json',r['q']],capture_output=True,text=True)
    try: a=json.loads(p.stdout)
    except Exception: a={'answer':p.stderr.strip(),'confidence':'error'}
    res.append({'q':r['q'],'label_asks':r['asks'],'expected':r['expected'],'answer':a.get('answer'),'confidence':a.get('confidence'),'understood':a.get('understood'),'did_you_mean':a.get('did_you_mean'),'exit':p.returncode})
json.dump(res,open(out,'w'),indent=1)
from collections import Counter
print(Counter(x['confidence'] for x in res))
