"""Demo library: a few dozen real documents in several formats, made here (python-docx,
reportlab, openpyxl, python-pptx), plus the district speech from ../shared/seed/ as .txt, .docx
and .pdf. Files go through the real upload service; processing runs in the task worker after the
seed commits (PDF and text are quick; Office files need LibreOffice)."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from shuniu.library import docgen, services
from shuniu.library.models import Audience, Category

SPEECH_FILE = "speech-2023-district-mass-organizations.txt"

TOPICS = [
    # (org code, category, audience, title, tags, paragraphs)
    ("union", Category.POLICY, Audience.PUBLIC, "职工劳动权益维护指南", "维权, 劳动合同, 12351",
     ["职工与用人单位发生劳动争议时，可以拨打12351职工维权热线，工会将在一个工作日内受理。",
      "工会职工法律援助中心为困难职工提供免费法律咨询、代写文书和代理仲裁诉讼等服务。",
      "用人单位拖欠工资的，职工可向劳动保障监察大队投诉，工会可协助转介并跟踪办理进度。"]),
    ("union", Category.TEMPLATE, Audience.STAFF, "集体合同（工资专项）文本模板", "集体合同, 平等协商",
     ["甲方（企业）与乙方（职工方）经平等协商，就工资分配制度、工资标准和支付办法订立本合同。",
      "本合同经职工代表大会讨论通过后，报人力资源和社会保障部门审查。"]),
    ("union", Category.TRAINING, Audience.STAFF, "困难职工帮扶工作业务培训讲义", "帮扶, 困难职工",
     ["困难职工档案应做到一户一档、动态管理，每年至少复核一次家庭收入情况。",
      "金秋助学项目面向困难职工子女，申请材料包括录取通知书、家庭收入证明等。"]),
    ("youth-league", Category.PUBLICITY, Audience.PUBLIC, "希望工程圆梦行动宣传手册", "希望工程, 助学",
     ["希望工程是共青团中央、中国青少年发展基金会发起的公益事业，帮助家庭经济困难的青少年完成学业。",
      "资助对象经学校推荐、团区委审核并公示后确定，资助款直接发放到学生账户。"]),
    ("youth-league", Category.TRAINING, Audience.STAFF, "青少年维权岗工作规范", "12355, 青少年维权",
     ["12355青少年服务台提供心理咨询、法律咨询和权益维护服务。",
      "发现未成年人遭受侵害的，应立即报告并转介公安、民政等部门，做好保密工作。"]),
    ("womens-federation", Category.POLICY, Audience.PUBLIC, "反家庭暴力法律知识问答", "反家暴, 12338, 人身安全保护令",
     ["遭受家庭暴力或者面临家庭暴力现实危险的，可以向人民法院申请人身安全保护令。",
      "妇联组织接到家庭暴力投诉后，应当给予帮助、处理，并可协助申请法律援助。"]),
    ("womens-federation", Category.CASES, Audience.ORGANIZATION, "妇女儿童维权典型案例汇编（内部）", "维权, 案例",
     ["案例一：某女职工孕期被调岗降薪，经区妇联与工会联合调解，企业恢复原岗位并补发工资。",
      "案例二：留守儿童监护缺失，妇联联合民政、教育部门落实临时监护和心理疏导。"]),
    ("womens-federation", Category.PUBLICITY, Audience.PUBLIC, "春蕾计划资助申请须知", "春蕾计划, 女童",
     ["春蕾计划资助家庭困难女童完成学业，申请人须为本区户籍在校女生。",
      "申请材料经社区妇联初审、区妇联复审，并在社区公示七天无异议后发放。"]),
    ("science-association", Category.TRAINING, Audience.PUBLIC, "社区科普大讲堂课程资料", "科普, 社区书屋",
     ["本讲介绍家庭用电安全、防范电信诈骗和健康生活方式等科普知识。",
      "社区书屋可预约科普讲座，科协提供讲师和展板等资源。"]),
    ("disabled-federation", Category.POLICY, Audience.PUBLIC, "残疾人两项补贴政策解读", "残疾人, 补贴",
     ["困难残疾人生活补贴和重度残疾人护理补贴，由残疾人本人或监护人向社区提出申请。",
      "残联与民政部门每季度核对补贴名单，做到应补尽补。"]),
    ("disabled-federation", Category.TRAINING, Audience.STAFF, "特殊教育工程实施方案", "特殊教育工程",
     ["特殊教育工程为残疾儿童少年提供送教上门、康复训练和助学补助。",
      "残联、教育局、团区委共同组织志愿者开展结对帮扶。"]),
    ("red-cross", Category.TRAINING, Audience.PUBLIC, "应急救护培训教材（心肺复苏）", "应急救护, 心肺复苏",
     ["心肺复苏的步骤：判断意识、呼救、胸外按压、开放气道、人工呼吸。",
      "胸外按压频率为每分钟100至120次，按压深度5至6厘米。"]),
    ("red-cross", Category.POLICY, Audience.STAFF, "红十字会救助资金管理办法", "救助, 资金管理",
     ["救助资金实行专账管理、专款专用，发放记录只增不改，接受审计和社会监督。"]),
    ("joint-office", Category.POLICY, Audience.STAFF, "群团组织联席会议工作规则", "联席会议, 督办",
     ["联席会议由各群团组织轮流主办，原则上每季度召开一次。",
      "各成员单位在会上总结前期工作、汇报下一阶段安排，从共同或相近的工作中找到合作点。",
      "会议议定事项形成督办清单，由联席办跟踪落实进展。"]),
    ("joint-office", Category.TEMPLATE, Audience.STAFF, "群团联动转介单（样表）", "转介, 联动",
     ["转出单位、转入单位、服务对象基本情况、诉求摘要、办理时限、联系人及电话。"]),
]  # fmt: skip


def _speech_text() -> str | None:
    for path in [Path(settings.REPO_DIR).parent / "shared" / "seed" / SPEECH_FILE]:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if "资源描述" in text:
                text = text.split("资源描述", 1)[1]
            return text.strip()
    return None


def _paragraphs(text: str) -> list[str]:
    parts = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        while len(line) > 400:
            cut = line.rfind("。", 0, 400)
            cut = cut + 1 if cut > 100 else 400
            parts.append(line[:cut])
            line = line[cut:]
        parts.append(line)
    return parts


def _upload(context, code, category, audience, title, tags, name, data, summary=""):
    organization = context.org(code)
    membership = organization.memberships.filter(role__in=["caseworker", "org_admin"], is_active=True).first()
    user = membership.user if membership else context.user("coordinator")
    return services.upload_resource(
        user,
        organization=organization,
        title=title,
        file=SimpleUploadedFile(name, data),
        audience=audience,
        summary=summary,
        category=category,
        tags=tags,
    )


def seed(context) -> None:
    count = 0
    speech = _speech_text()
    if speech is None:
        context.say("    the speech (shared/seed/speech-2023-district-mass-organizations.txt) was not found: skipped")
    else:
        paragraphs = _paragraphs(speech)
        title = "在区群团组织工作大会上的讲话（2023年）"
        summary = (
            "充分认识新形势下群团组织工作的重要性；构建资源共享的联动工作平台；建立健全联席会议制度和联动保障机制。"
        )
        files = [
            ("讲话.pdf", docgen.pdf_bytes(title, paragraphs, page_break_every=3), Audience.PUBLIC),
            ("讲话.docx", docgen.docx_bytes(title, paragraphs, page_break_every=3), Audience.STAFF),
            ("讲话.txt", speech.encode("gb18030"), Audience.STAFF),
        ]
        for name, data, audience in files:
            suffix = name.rsplit(".", 1)[1].upper()
            _upload(
                context,
                "joint-office",
                Category.SPEECH,
                audience,
                f"{title}（{suffix}）",
                "联席会议, 群团, 讲话",
                name,
                data,
                summary,
            )
            count += 1
    for index, (code, category, audience, title, tags, paragraphs) in enumerate(TOPICS):
        body = paragraphs * 4
        if index % 3 == 0:
            name, data = f"{title}.pdf", docgen.pdf_bytes(title, body, page_break_every=4)
        elif index % 3 == 1:
            name, data = f"{title}.docx", docgen.docx_bytes(title, body, page_break_every=4)
        else:
            name, data = f"{title}.txt", ("\n\n".join([title, *body])).encode("utf-8")
        _upload(context, code, category, audience, title, tags, name, data, summary=paragraphs[0][:120])
        count += 1
    ledger = [
        [f"2026-0{month}-15", organization, amount, purpose]
        for month, (organization, amount, purpose) in enumerate(
            [
                ("区总工会", 12000, "金秋助学"),
                ("区妇联", 8000, "春蕾计划"),
                ("团区委", 15000, "希望工程"),
                ("区残联", 6000, "特殊教育工程"),
            ],
            start=1,
        )
    ]
    _upload(
        context,
        "joint-office",
        Category.TEMPLATE,
        Audience.STAFF,
        "群团助学项目资金统计表",
        "统计, 助学",
        "助学统计.xlsx",
        docgen.xlsx_bytes("助学资金", ["日期", "单位", "金额（元）", "项目"], ledger),
    )
    _upload(
        context,
        "youth-league",
        Category.TRAINING,
        Audience.PUBLIC,
        "青年志愿服务培训课件",
        "志愿服务, 培训",
        "志愿服务培训.pptx",
        docgen.pptx_bytes(
            "青年志愿服务培训",
            [
                ("志愿服务的意义", "志愿服务是社会文明进步的重要标志，团区委统筹全区青年志愿者队伍。"),
                ("服务时长记录", "每次活动结束后由组织方登记志愿服务时长，可在门户查询。"),
                ("安全须知", "参加活动前须接受安全培训，未成年人须有监护人同意。"),
            ],
        ),
    )
    count += 2
    for number in range(1, 16):
        code, category, audience, title, tags, paragraphs = TOPICS[number % len(TOPICS)]
        year = 2020 + number % 6
        name = f"{year}年{title}（第{number}期）.txt"
        text = f"{year}年度 {title}\n\n" + "\n".join(paragraphs) + f"\n\n第{number}期 · 内部学习资料"
        _upload(
            context, code, category, audience, f"{year}年度{title}（第{number}期）", tags, name, text.encode("utf-8")
        )
        count += 1
    context.say(f"    {count} library resources (processing runs in the task worker)")
