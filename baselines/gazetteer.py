"""Small built-in word lists: common surnames and facility head words.

Place names are not typed here: they come from maintained data packages (`jinbiao.baselines.places`).
"""

from __future__ import annotations

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤靳申岳常盛"
) | frozenset({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐"})

# Head words of facility names (a 车站, a 博物馆): the CRF's gazetteer feature marks them in the text,
# and an MSRA location that ends with one is a FAC (msra.map_location).
FAC_HEADS = (
    "市场",
    "广场",
    "大厦",
    "机场",
    "车站",
    "西站",
    "东站",
    "南站",
    "北站",
    "医院",
    "体育馆",
    "图书馆",
    "博物馆",
    "文化馆",
    "商贸城",
    "产业园",
    "园区",
    "基地",
    "大厅",
    "地铁",
)
