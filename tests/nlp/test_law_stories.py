"""Law's stories told in residents' words reach law, and other fields' concerns stay out.

The district's lists (config/think_tanks.toml) read a dispute told with no legal word by its
co-occurrence rules: families of everyday words that together say what happened (someone
vanished with the money, the other side denies, a neighbour's wall, an in-law's quarrel). The
sentences here were written for these tests, a few for each family, none taken from the
labelled sets in tests/data. The card names the words that made the decision.
"""

from __future__ import annotations

import pytest

from nlp.classifier import KeywordClassifier
from nlp.dataset import read_examples
from nlp.evaluate import Report, score
from tests.nlp.conftest import DATA


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # A boss, a foreman or a seller who vanished with the money
        ("跟着一个带班的在城里刷墙，干了四十天，带班的卷了钱溜了", "带班的…溜了"),
        ("盖大棚的活干完了，领头的说甲方没结账，拍拍屁股不见人了", "领头的…不见人"),
        # Paid in advance, and the school or the shop shut
        ("给孩子报的游泳班交了三千，去了两回游泳馆就关门了，钱找谁要", "交了…关门"),
        ("在美容院充了五千块的卡，现在店关门了，老板联系不上", "老板…联系不上"),
        # In-laws' quarrels
        ("婆婆嫌俺生的是闺女，天天跟俺干仗，还把俺撵回娘家", "婆婆…干仗"),
        ("小姑子回来就骂俺，说俺占了她家的房", "小姑子…骂"),
        # Blows that broke a bone, wherever they were struck
        ("在村口饭店吃饭，跟老板吵了两句，他上来就动手，把俺鼻梁打断了", "动手…鼻梁"),
        ("在超市门口让人推倒了，胳膊骨折，那人说是俺自己绊倒的", "推倒…胳膊"),
        # The other side denies, or blames the resident
        ("让一辆面包车别倒了，车主说跟他没关系，是俺自己骑得快", "车主…没关系"),
        ("在工地干活让钢管砸伤了腿，包工头说是俺自个儿不注意", "包工头…说是俺"),
        # Neighbours: light taken, water let onto one's side
        ("东邻盖了个三层楼，把俺家院子的光全挡了", "东邻…挡了"),
        ("后邻的猪圈粪水往俺家院里流，说了好几回不管", "后邻…往俺家"),
        # Money lent and not paid back; a field let and paid less than agreed
        ("借给俺妹夫三万块做生意，赔了，现在说没钱还", "借给…没钱还"),
        ("俺把地租给邻村的人种，说好一年给两千，今年只给了一千", "租给…只给"),
    ],
)
def test_a_law_story_without_a_legal_word_reaches_law(
    district: KeywordClassifier, text: str, shown: str
) -> None:
    result = district.classify(text)
    assert result.tank == "law", result
    assert shown in [h.shown for h in result.hits], result.hits


@pytest.mark.parametrize(
    ("text", "tank"),
    [
        # A stall that takes the road is the city's (占道 outweighs economy's 摆摊 and 摊子)
        ("小区门口占道摆摊的把路堵死了，救护车进不来", None),
        ("小区门口占道的摊子把路堵了，车进不来", None),
        # A subsidy promised and not paid is the coordinators', not a broken contract
        ("说好的厕所改造补贴，到现在也没发下来", None),
        # A child bullied at school, a neighbour's noise: no dispute for law's members
        ("孩子在学校让同学欺负了，老师说不归她管", None),
        ("楼上邻居装修，电钻天天响", None),
        # Other tanks' questions that share a word with law's stories (老板, 承包, 担保)
        ("开了个小饭馆，想招个厨师，老板们都上哪招人", "economy"),
        ("想贷款扩建养鸡场，需要啥抵押", "economy"),
        ("俺承包了十亩地种西瓜，今年的瓜秧子长得不好", "agriculture"),
    ],
)
def test_other_fields_concerns_stay_out_of_law(
    district: KeywordClassifier, text: str, tank: str | None
) -> None:
    assert district.classify(text).tank == tank


def test_a_wife_or_a_boss_alone_is_no_dispute(district: KeywordClassifier) -> None:
    # 媳妇 and 老婆 (0.8) need company: a wife looking for work at home is no divorce.
    assert district.classify("媳妇在家闲着，想找个能在家干的手工活").tank != "law"
    assert district.classify("老板说年底给俺们涨工资，是真的不").tank != "law"


def test_a_story_told_with_a_shop_s_words_still_reaches_law(district: KeywordClassifier) -> None:
    # 小卖部 is economy's word (2.0); the blows and the broken teeth are law's story.
    result = district.classify("去村里小卖部买烟，老板嫌俺说话冲，抡起板凳把俺两颗牙打掉了")
    assert result.tank == "law", result
    assert result.scores["law"] > result.scores["economy"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Someone demands the resident pay, told among a field's words (ducks, a vegetable plot)
        ("俺家鸭子钻到他家菜地里扒拉了几下，他非要俺赔一千", "非要俺…赔"),
        # The resident's things held until paid
        ("借了邻居的梯子用坏了一根横档，他把俺的电动车扣着，非要俺赔个新的", "扣着…非要"),
        # Accused of theft; beaten
        ("菜市场卖肉的说俺媳妇偷了他的秤砣，当着一街人骂她", "说俺…偷"),
        ("在网吧上网，旁边的人嫌俺说话声大，把俺打了一顿", "俺…打了一顿"),
        # A fee taken, then no one answers
        ("有人说能帮俺孩子安排进厂，先收了八百手续费，后来电话就打不通了", "手续费…打不通"),
        # What is the resident's pushed down by someone
        ("俺家的鸡窝让东院给拆了，说挡他家的道了", "俺家…给拆了"),
        # A relative detained (派出所 alone is the coordinators')
        ("俺男人让派出所抓走三天了，也不让见", "派出所…抓走"),
        # False money; a debt run up on credit by a shop that shut
        ("卖了一头肥猪，收的钱里有两张假票子", "钱…假票子"),
        ("村口饭馆赊了俺家半年的豆腐钱，现在饭馆关门了", "赊了…关门"),
        # A well paid for together, kept by one family; a field given to someone else
        ("几家凑钱打的井，现在老刘家把井圈起来，不让别人打水了", "凑钱…不让别人"),
        ("俺家的地让村里分给别人种了，说俺户口不在村里", "俺家的地…分给别人"),
        # Fined out of one's pay; a seller who stops caring at the door; a card declared void
        ("在快递站分拣，迟到一回罚了俺两百", "罚了俺…百"),
        ("在门市买的热水器装上就漏水，卖家说出了门就不管", "门市…出了门"),
        ("在健身房办了一年的卡，去了没几回换了老板，新老板说以前的卡作废了", "办了一年…换了老板"),
        ("在澡堂子让热水烫着了，老板说这回不要钱了让俺走", "烫着…不要钱了"),
        # Work paid "when the money comes"; a tree grown over onto the resident's shed
        ("跟着姑父干了两个月瓦工，他说手头紧先欠着，过年也没给", "干了…手头紧"),
        ("后院老周家的枣树伸过来，把俺家的棚子蹭坏了，说了也不砍", "把俺…蹭坏"),
        # Made to pay for breakages; accused of breaking what was lent
        ("在饭店端盘子打碎了一摞碗，老板让俺拿五百出来", "让俺拿…百"),
        ("借了邻居的三轮用了一天，他说俺给弄坏了，让俺修", "说俺…弄坏"),
        # A prize that costs a fee; animals left in someone's keeping and short on return
        ("短信说俺中了奖，领奖得先交两千手续费", "中了奖…先交"),
        ("出门打工前把两头牛托给俺叔喂，回来少了一头，他说跑丢了", "托给…少了"),
        # Bad meat the seller disowns; a debtor who pleads no money whenever asked
        ("在集上买了十斤猪肉，回家一看是变质的，再去找他说不是他家卖的", "变质…不是他家"),
        ("前年帮同学垫了两万块钱的药费，现在一提就说没钱", "一提…就说没钱"),
        # A home for the old that scalded a resident; a gang's blows; a stamp for a bribe
        ("俺娘住的敬老院给她洗澡把胳膊烫了，院里说是她自己乱动", "敬老院…烫"),
        ("俺儿子放学让一帮小混混围着打，眼睛都肿了", "让一帮…围着打"),
        ("去村委会盖个章，管章的说不给包烟就不给办", "不给…就不给办"),
        # Clothes ruined by the cleaner; a wall knocked down by a driver who left a little
        ("在洗衣店洗的羽绒服洗坏了，店里说是衣服本来就有毛病", "洗衣店…洗坏"),
        ("开货车的把俺家院墙撞塌了一块，扔下二百块钱就走了", "撞…扔下"),
        # Sold online: the buyer got the money back and kept the goods
        ("在网上把旧电脑卖了，买家收到说是坏的，钱也退了东西不寄回", "买家…说是坏的"),
        # A sister's husband with another woman; drink and things thrown; a lover met online
        ("俺妹夫在外面又找了一个，把俺妹的存款都转走了", "妹夫…又找了一个"),
        ("他爸一喝大酒就摔东西，孩子吓得直哭", "喝大酒…摔东西"),
        ("在网上认识个姐姐，说家里急用借走了三万，后来就找不到人了", "网上认识…借走"),
        # An in-law who ploughed the resident's field, told among farming words
        ("俺二伯哥开拖拉机把俺家的麦地给犁了，说那地早该归他", "俺家…给犁了"),
        # A child sick after a meal, blamed on what he ate elsewhere
        ("孩子在小饭桌吃完饭拉肚子，老板说是孩子自己在外面吃的零食", "拉肚子…说是"),
        # A grave levelled; a tree claimed; a house cracked by the neighbour's piling
        ("邻村的人把俺家的祖坟给平了，说那是他们的地", "祖坟…给平"),
        ("俺爷爷种的那几棵大杨树，他孙子非说树是他家的", "树…是他家的"),
        ("隔壁盖楼打桩，俺家房子震出好几道裂缝", "隔壁…震出"),
        # A year's work paid with a little; a dealer who says it cannot be
        ("在砖厂干了一年，起早贪黑，年底老板就给了五千", "起早贪黑…老板"),
        ("在4S店修的车，没两天又坏了，4S店说不可能", "4s店…不可能"),
        # Money moved out of the resident's card; a card sold to strangers
        ("接了个电话说是银行的，让我开个共享屏幕，卡里的钱都被转走了", "卡里…被转走"),
        ("有人给俺外甥五百块钱，让他把自己的银行卡卖了，现在卡被冻结了", "银行卡…卖了"),
        # Lessons paid for and the school shut; goods paid for that came false
        ("给孩子报了个舞蹈培训班，交了八千课时费，没上几节课就关了", "培训班…就关了"),
        ("在朋友圈买的燕窝，转了两千过去，收到的是假的，人家把我删了", "转了…是假的"),
        # A husband who smashed the phone; a teacher's ruler; a cat run over, blamed on itself
        ("俺老公一生气把俺手机摔了，还把俺锁在门外", "老公…手机摔了"),
        ("孩子在辅导班被老师打手心，手都打红了", "被老师…打手心"),
        ("俺家的猫让邻居家的车轧死了，他说是猫自己跑到车底下的", "轧死…自己跑"),
        # Money of many held by one who will not share it out
        ("村里的鸭子卖了两万，钱让组长拿着，一直不给大家分", "拿着…一直不给"),
        # Made to pay for a loss at work; the old sold to at a free lecture
        ("在超市当理货员，货架倒了砸坏几箱酒，店长让我自己掏钱赔", "让我自己…掏钱"),
        ("俺娘被拉去听讲座，回来拿了三万块钱买了一箱保健酒", "被拉去…万"),
        # The bride's side that wants out; a face ruined in a beauty parlour
        ("订婚才一个月女方就说不想过了，还要俺家把衣裳钱退回去", "女方…不想过"),
        ("在美容院打了个针，脸上起了一片红疙瘩，店里说是俺过敏", "美容院…疙瘩"),
        # A phone number used for loans; a room left out of the demolition count
        ("我的手机号让人拿去注册了网贷，现在催款的天天打电话", "手机号…注册"),
        ("老房子拆迁，评估的时候漏算了一间偏房", "拆迁…漏算"),
        # A harvester bought together and driven off, told among farming words
        ("跟连襟合买了一台收割机，现在他开走了不让我用", "合买…开走"),
        # Common land let out on the quiet; tyres sold as new and retreaded
        ("村里的机动地让会计私自包出去了，钱也没入账", "私自…包出去"),
        ("在修车铺换轮胎，说是新的，拆下来一看是翻新的", "说是新的…翻新"),
        # Told among farming words: crops or animals sold and not paid, a price cut after
        # the goods were taken, a thing lent and returned broken, a debt said unpaid that was
        # paid, accounts kept from members, a rick burned, takings said to be none
        ("卖给粮贩子三千斤花生，他说先赊着，后来听说他人跑了", "卖给…先赊"),
        ("卖了一头牛，买牛的给俺看了个转账截图，到现在钱也没到", "卖了…截图"),
        ("俺给养猪场送了半年的泔水，说好一桶十块，现在场长说只算一半", "说好…只算"),
        ("俺把三轮车借给了邻居，他拉砖翻了车，现在说车本来就有毛病", "借给…本来就有毛病"),
        ("小卖部老板说俺还欠他三百块钱烟钱，俺早还了", "说俺还欠…早还了"),
        ("俺们村的合作社分红账本社长一个人管，谁要看都不给看", "账本…一个人管"),
        ("村里收了俺家的地，一直说给补钱，两年了一分没见着", "一直说…一分"),
        ("俺家的麦秸垛让人放火烧了，就剩一堆灰", "俺家的…让人…烧"),
        ("俺们几家合伙养的鱼卖了，分钱的时候管账的说没挣钱", "分钱…说没挣"),
        # The other side gone, in any of the words residents use for it (one list for every
        # family that tells of it: 失联, 关机, 玩消失 as well as 跑了 and 联系不上)
        ("在网上找人代办驾照，交了一千五服务费，人就失联了", "服务费…失联"),
        ("给装修的包工头干了一个月，活干完他手机就关机了", "包工头…关机"),
        ("在网上买的二手手机，付了款卖家就玩消失了", "付了…玩消失"),
        # Wages the new management disowns; cattle driven onto the resident's wheat; a
        # neighbour's cesspit; savings in a company that vanished; an in-law's theft
        ("在商场干保安，商场换了管理公司，新来的说去年欠的工资不归他们管", "工资…不归"),
        ("邻村放牛的老把牛群往俺家麦地里赶，麦子踩坏了一大片", "牛…往俺家…踩坏"),
        ("后院的化粪池满了往外渗，俺家的菜窖全是臭水", "后院…化粪池"),
        ("俺爹把养老钱存在一个养生公司，说给高息，现在公司人去楼空了", "存在…人去楼空"),
        ("俺小姑子回娘家住了几天，走的时候把俺的金耳环顺走了", "小姑子…顺走"),
        # A former owner's debt passed on; a grave dug; an online "brother"; a price docked;
        # an inheritance everyone wants
        ("买了个旧院子，原房主欠着村里三年的承包费，村里让俺交", "原房主…欠着"),
        ("俺家的坟让挖沙的给挖了一角", "坟让…给挖"),
        ("在网上认了个大哥，说带俺做生意，前后让俺转了五万，现在不理俺了", "网上认了…转了"),
        ("俺家的西瓜卖给了水果店，老板说瓜熟过了，货款扣了一半", "卖给…货款扣"),
        ("爷爷留下的三间瓦房，俺爹他们兄弟四个都想要", "留下的…都想要"),
        # A child's mishap and a sum demanded; a buyer who carted off and never came back;
        # a stone in the noodles; a roof shed that leaks below; a mill's water; a repair shop
        ("俺孙子跟邻居家孩子闹着玩，把人家额头弄伤了，人家要五万", "弄伤…人家要"),
        ("有个收废品的把俺家的旧电视拉走了，说回去称完再给钱，再也没来", "拉走了…再给钱"),
        ("在面馆吃面，面里有块石子，硌掉俺半颗牙，老板不认账", "硌掉…牙"),
        ("俺家楼上的顶楼那家在平台上搭了个棚子，雨水全漏到俺家", "顶楼那家…漏到"),
        ("上游的造纸厂排的水把俺家鸭子毒死了一大半", "排的水…毒死"),
        ("在家电维修店修了三回洗衣机，一回也没修好，每回都要了钱", "维修店…没修好"),
        # The wrong injection; a factory that shut owing wages; in-laws who will not register
        # a bride; the good land taken in the sharing; abuse posted online; a guarantor's
        # savings taken for a borrower gone away
        ("在镇上的牙科诊所补牙，大夫打错了麻药，俺半边脸肿了三天", "诊所…打错"),
        ("俺在砖厂干了一年，厂子倒闭了，还欠着俺半年的工资", "厂子倒闭…工资"),
        ("俺嫁过来五年了，婆家一直不给上户口，孩子也上不了学", "婆家…不给上户口"),
        ("俺们兄弟三个分地，老大把靠路的好地都分走了", "分地…都分走"),
        ("有人在快手上发视频骂俺，说俺家的蜂蜜是假的", "快手上…骂"),
        ("俺给表哥担保贷了十万，他跑外地去了，银行把俺的存款扣了", "担保…跑外地"),
    ],
)
def test_a_dispute_shape_reaches_law_whatever_it_is_told_among(
    district: KeywordClassifier, text: str, shown: str
) -> None:
    result = district.classify(text)
    assert result.tank == "law", result
    assert shown in [h.shown for h in result.hits], result.hits


@pytest.mark.parametrize(
    ("text", "tank"),
    [
        # Lost money in one's own business is no demand to pay (让俺赔了 is not 非要俺赔)
        ("去年养羊让俺赔了好几万，今年养点啥好", "agriculture"),
        # Whose office a noise is: the coordinators', not an heir's question (归谁)
        ("小区后面的烧烤摊天天闹到半夜，到底归谁管", None),
        # A deposit asked for, a buyer who carts grain off, the police's counter: no dispute
        ("想开个家政公司，先得交多少保证金", "economy"),
        ("收粮的把玉米拉走了，多少钱一斤合适", "agriculture"),
        ("镇上的派出所办身份证要多久", None),
        ("俺家的老房子想拆了重盖，得办啥手续", None),
        # An employer's bonus question (员工 0.8 routes nothing alone); a police certificate;
        # a calf that will not suck; a fish pond kept for pay; yoghurt near its date
        ("年底想给店里员工发点奖金，按啥标准", None),
        ("派出所开个无犯罪证明要带啥", None),
        ("邻居家的牛生了小牛，小牛不吃奶咋办", "agriculture"),
        ("承包的鱼塘想找人帮着代养，一年给多少钱合适", "agriculture"),
        ("超市进的酸奶快过期了，咋处理", None),
        # Hail or wind on one's own crops is no one's doing
        ("冰雹把俺家的大棚砸坏了，能补不", "agriculture"),
        ("大风把俺家的玉米都刮倒了，能有补贴不", "agriculture"),
        # Partners planning a shop are economy's (合伙 0.8 routes nothing alone);
        # mosquitoes are the village's
        ("想跟朋友合伙开个烧烤店，前期得投多少钱", "economy"),
        ("夏天晚上蚊子太多，村里能不能打药", None),
        # A bonus paid at the year's end; renting a field known to be another's; a grave moved
        ("老板说年底就给了奖金，明年还想扩大店面", None),
        ("那块地是他家的，想租过来种点花生，租金多少合适", "agriculture"),
        ("想把坟地迁到公墓去，要办啥手续", None),
        # A yard wall is where vegetables grow (院墙 0.8 needs a dispute); a tricycle to borrow
        ("俺家院墙边上种的丝瓜长得好，能卖不", None),
        ("想跟邻居借辆三轮车拉化肥，咋开口", "agriculture"),
        ("种的葡萄叶子发黄，是不是药打多了", "agriculture"),
        # An election's canvassing is the coordinators'; savings at a bank; a pasture
        ("村里换届的时候有人送米送油拉票", None),
        ("想把钱存在银行，存三年利息多少", "economy"),
        ("俺家的牛往南山坡上放，那边草好不好", "agriculture"),
        # A roof that leaks is the building's, not a neighbour's; shade for a pond
        ("俺家楼顶漏水，物业说要用维修基金", None),
        ("俺想在鱼塘边上种一排柳树，能遮阴不", "agriculture"),
        # A shut factory and a new one planned; selling honey online
        ("厂子倒闭了，俺想自己开个小加工厂", "economy"),
        ("想在快手上卖俺家的蜂蜜，咋弄", "economy"),
    ],
)
def test_a_near_miss_of_a_dispute_shape_stays_out_of_law(
    district: KeywordClassifier, text: str, tank: str | None
) -> None:
    assert district.classify(text).tank == tank


@pytest.mark.parametrize(
    "text",
    [
        # 卡 in 卡车 is no bank card; a clerk who will not issue without papers is no dispute
        "想把家里的卡车卖了，二手的能卖多少",
        "拿着户口本去办证，说材料不全不给办",
        # A new number, a free check-up, a parlour being planned
        "换了手机号，银行卡绑定的号码咋改",
        "镇上有免费体检，老人去要带啥",
        "想开个美容院，办证得多少钱",
    ],
)
def test_words_of_a_dispute_shape_in_a_plain_question_are_not_law(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank != "law"


def _report(district: KeywordClassifier, name: str) -> Report:
    examples = read_examples(DATA / name)
    return score([e.label for e in examples], [district.classify(e.text).tank for e in examples])


def test_the_stories_law_s_rules_were_fitted_to_still_route(district: KeywordClassifier) -> None:
    # law_stories_tuning.csv: fifteen batches of stories written for this, each read after it
    # was scored once and the rules widened for its misses (0.903, law recall 92% since).
    report = _report(district, "law_stories_tuning.csv")
    assert report.accuracy >= 0.88, report.confusion
    assert report.per_label["law"].recall >= 0.89, report.confusion


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        # Written after the rules of its day and scored once: 0.683, law recall 50% (the lists
        # before that round: 0.633, 40%). Never read since; the dispute shapes' lists: 0.733,
        # law recall 60%.
        ("law_stories_check.csv", 0.70),
        # Written after the dispute shapes' six rounds and scored once: 0.783, law recall 77%,
        # the same as the lists before those rounds (they gained nothing on it).
        ("law_stories_check2.csv", 0.75),
        # Written after the ninth round and scored once: 0.817, law recall 70% (the lists
        # before the dispute shapes: 0.800, 67%).
        ("law_stories_check3.csv", 0.78),
    ],
)
def test_stories_written_after_the_rules_keep_their_floor(
    district: KeywordClassifier, name: str, floor: float
) -> None:
    # Each floor is the set's figure less about three points; never tune on these misses.
    report = _report(district, name)
    assert report.accuracy >= floor, report.confusion
    assert report.other_to_tank_share <= 0.05, report.confusion


def test_a_dispute_told_among_a_field_s_words_is_law_s(district: KeywordClassifier) -> None:
    # law's rules_outweigh (0.5): a rule of law's that matched halves the other tanks' scores
    result = district.classify("俺家的牛把隔壁的玉米苗踩了几垄，他把牛牵走了，让俺拿两千来领")
    assert result.tank == "law", result
    assert "牵走…让俺" in [h.shown for h in result.hits]
    assert result.scores["agriculture"] < result.scores["law"]
    # the same field's words with no dispute stay the field's
    assert district.classify("俺家的牛把玉米苗踩了几垄，还能补种不").tank == "agriculture"


@pytest.mark.parametrize(
    "text",
    [
        # Round 3 (issue 13): harm the other side denies, told with no legal word
        "上游砖厂往河里排东西，俺家网箱里的鱼死了不少，厂里说不是他们的事",
        "闺女拿她奶奶的手机在游戏里充了三千多，能不能让他们退回来",
        "在镇上做了个隆鼻，鼻子歪了，找他们说过段时间就好了，就是不管",
        "停在路边的三轮让一辆拉沙的大车刮坏了，司机说不知道，一走了之",
        "托物流捎的一台电视到了屏幕碎了，物流只赔两百",
        "纸箱厂停产了，厂长说没钱，干了六年一分补偿都没有",
        # Paid and never delivered; one's papers hidden to keep one at home
        "在家具城定了一套沙发，钱交了，一拖再拖就是不送",
        "男人把俺身份证藏起来了，不让俺出去打工",
        # a platform that says its rider was no worker of its own
        "在网上接单送外卖一年多，平台说俺不算员工，受了伤不管",
        # a dog that killed one's geese, trees pushed over by a road crew, an online loan
        # asking four times what was lent, years of service bought out
        "隔壁的大狗把俺家两只鹅咬死了，他说狗一直拴着呢",
        "果园边上的树让修路的铲车推倒了十几棵，工程队说是镇上同意的",
        "在网上贷了两千块，三个月就要我还八千",
        "化肥厂改制，让俺们买断工龄，一年才算八百",
        # pay put off again and again; a clinic or a parlour that blames the body
        "在超市搬货干了三个月，店长说下个月一块结，一拖再拖",
        "镶的假牙半年就松了，诊所说是俺自己嚼骨头嚼的",
        "在足疗店拔罐，背上烫起了泡，店里说正常反应",
        # hurt at work and left to pay; a hospital that was late; a tenant who vanished
        "在面馆后厨剁馅剁到手了，老板说俺不小心，不管",
        "在镇医院做的阑尾手术，没及时发现感染，落下了毛病",
        "俺把门市租给一个卖衣服的，他仨月没交租金，人也联系不上了",
        # stock that ate one's crop, "it got out by itself"; a seller who will not repair
        "东院的猪跑进俺家菜园把白菜啃光了，他说猪自己跑出来的不赖他",
        "网上买的洗衣机坏了，店家说不保修",
    ],
)
def test_harm_denied_or_a_token_sum_offered_reaches_law(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank == "law", district.classify(text)


@pytest.mark.parametrize(
    "text",
    [
        # 卖不出去 holds 不出 and 价钱 holds 钱: no money withheld (round 3)
        "压着一批门窗卖不出去，进的时候价钱高，现在亏本卖还是等等",
        "今年的苹果卖不出去，价钱太低了",
    ],
)
def test_goods_that_will_not_sell_at_a_low_price_are_no_money_withheld(
    district: KeywordClassifier, text: str
) -> None:
    assert district.classify(text).tank != "law", district.classify(text)
